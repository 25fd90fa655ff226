/**
 * Shared fixtures for the API server's unit tests: an `Api` over the real kind registry and an
 * in-memory SQLite store, small valid objects, and an assertion for Status errors.
 */
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.ts';
import { builtinRegistry } from '../api/kinds/index.ts';
import type { KubeObject } from '../api/object.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { Api } from './api.ts';
import { systemContext, type RequestContext } from './registry/context.ts';

/** An Api over a fresh store (in memory unless `path` is given). Close with `done()`. */
export function newApi(path = ':memory:'): { api: Api; store: Store; done: () => Promise<void> } {
  const store = openSqliteStore({ path, compactInterval: 0 });
  const api = new Api(builtinRegistry(), store, () => {});
  return {
    api,
    store,
    done: async () => {
      api.stop();
      await store.close();
    },
  };
}

/** systemContext() with overrides. */
export function ctx(over: Partial<RequestContext> = {}): RequestContext {
  return { ...systemContext(), ...over };
}

/** A Namespace object. */
export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** A ConfigMap in `default`. */
export function configMap(
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = { k: 'v' },
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}

/** A valid apps/v1 Deployment in `default`. */
export function deployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}

/** A valid Pod in `default`, optionally bound to a node. */
export function pod(name: string, nodeName?: string): KubeObject {
  const spec: Record<string, unknown> = { containers: [{ name: 'web', image: 'nginx:1.27' }] };
  if (nodeName) spec.nodeName = nodeName;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
}

/** A Service in `default` (ClusterIP unless `type` says otherwise). */
export function service(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

/** Asserts that `p` rejects with a StatusError of `code` (and `reason`, when given); returns it. */
export async function rejectsStatus(
  p: Promise<unknown>,
  code: number,
  reason?: string,
): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, code, `code: ${err.message}`);
    if (reason) assert.equal(err.reason, reason, err.message);
    return err;
  }
  assert.fail(`expected a ${code} StatusError, but it resolved`);
}

/** A Buffer of JSON text, for patchObject. */
export function json(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v));
}
