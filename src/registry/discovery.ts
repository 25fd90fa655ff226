/**
 * How node agents find the image registry of their cluster. `berth up` publishes the registry's
 * address (HOST:PORT, as image names spell it) in the ConfigMap `kube-public/berth-registry`, with
 * a Role and RoleBinding letting group `system:nodes` `get` and `watch` that one ConfigMap and
 * nothing else (the node authorizer has no opinion on it, so RBAC decides). An agent started without
 * `--registry` follows it with its node credentials (`watchRegistryAddress`: get, then a watch on
 * that one object) and trusts the registry as if the flag had been given, again whenever the
 * registry moves (src/node/agent/registry-trust.ts). Everything goes through the API (the client),
 * never the store, so admission, RBAC and watches see it like any other write.
 */
import { StatusError } from '../api/errors.ts';
import type { KubeObject } from '../api/object.ts';
import type { Client } from '../client/client.ts';
import { statusErrorFromResponse } from '../client/status.ts';
import { readAll } from '../client/transport.ts';
import { decodeWatch } from '../client/watch.ts';

export const registryInfoNamespace = 'kube-public';
export const registryInfoName = 'berth-registry';
/** The Role and RoleBinding letting nodes read the ConfigMap. */
export const registryInfoReader = 'berth:registry-address-reader';

const rbac = 'rbac.authorization.k8s.io';
const labels = { 'app.kubernetes.io/managed-by': 'berth' };

const readerRules = (verbs: string[]) => [
  { apiGroups: [''], resources: ['configmaps'], resourceNames: [registryInfoName], verbs },
];
/** The rules of the Role as earlier versions wrote it (get only): brought up to date on publish. */
const olderReaderRules = JSON.stringify(readerRules(['get']));

/** The objects `publishRegistryAddress` keeps, as [group, resource, object]. */
export function registryInfoObjects(address: string): [string, string, KubeObject][] {
  const metadata = (name: string) => ({ name, namespace: registryInfoNamespace, labels });
  return [
    [
      '',
      'configmaps',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(registryInfoName), data: { address } },
    ],
    [
      rbac,
      'roles',
      {
        apiVersion: `${rbac}/v1`,
        kind: 'Role',
        metadata: metadata(registryInfoReader),
        rules: readerRules(['get', 'watch']),
      },
    ],
    [
      rbac,
      'rolebindings',
      {
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: metadata(registryInfoReader),
        roleRef: { apiGroup: rbac, kind: 'Role', name: registryInfoReader },
        subjects: [{ apiGroup: rbac, kind: 'Group', name: 'system:nodes' }],
      },
    ],
  ];
}

const isCode = (err: unknown, code: number): boolean => err instanceof StatusError && err.code === code;

/**
 * Creates the ConfigMap, Role and RoleBinding when missing and rewrites the ConfigMap's address
 * when it changed (a different `--registry-listen`); RBAC objects an administrator edited are left
 * alone. Needs a client allowed to write in kube-public (the admin's).
 */
export async function publishRegistryAddress(client: Client, address: string): Promise<void> {
  for (const [group, resource, obj] of registryInfoObjects(address)) {
    const rs = client.resource(group, 'v1', resource);
    let cur: KubeObject | undefined;
    try {
      cur = await rs.get(registryInfoNamespace, obj.metadata.name!);
    } catch (err) {
      if (!isCode(err, 404)) throw err;
    }
    try {
      if (!cur) await rs.create(registryInfoNamespace, obj);
      else if (resource === 'configmaps' && JSON.stringify(cur.data) !== JSON.stringify(obj.data))
        await rs.update(registryInfoNamespace, { ...cur, data: obj.data });
      else if (resource === 'roles' && JSON.stringify(cur.rules) === olderReaderRules)
        await rs.update(registryInfoNamespace, { ...cur, rules: obj.rules });
    } catch (err) {
      // Written by someone else meanwhile (another `berth up` on the same data): theirs stands.
      if (!isCode(err, 409)) throw err;
    }
  }
}

const addressOf = (cm: KubeObject | undefined): string | undefined => {
  const address = (cm?.data as Record<string, unknown> | undefined)?.address;
  return typeof address === 'string' && address !== '' ? address : undefined;
};

/**
 * The published registry address, or undefined when none is published (no registry, or an older
 * control plane) or this client may not read it. Other failures (API unreachable) are thrown.
 */
export async function discoverRegistryAddress(client: Client): Promise<string | undefined> {
  let cm: KubeObject;
  try {
    cm = await client.resource('', 'v1', 'configmaps').get(registryInfoNamespace, registryInfoName);
  } catch (err) {
    if (isCode(err, 404) || isCode(err, 403)) return undefined;
    throw err;
  }
  return addressOf(cm);
}

/** A running `watchRegistryAddress`. */
export interface RegistryAddressWatch {
  /** Settles once the first read was answered (or failed): the agent starts pods after it. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryAddressWatchOptions {
  log?: { warn(obj: object, msg?: string): void };
  /** First retry delay after a failure, doubled up to 30 s (1 s). */
  retryMs?: number;
  /** Re-read interval when watching is not allowed (a Role from before watches): 30 s. */
  pollMs?: number;
  /** Server-side end of each watch, after which it is opened again (300 s). */
  watchTimeoutSeconds?: number;
}

/**
 * Follows the published address: reads it, then watches that one ConfigMap (GET …/NAME?watch=true,
 * which RBAC judges as `watch` on that name) and calls `onChange` with each new value — undefined
 * when it is deleted or holds none. A watch that ends is opened again from the last
 * resourceVersion; failures (API unreachable) are logged and retried with backoff; where only `get`
 * is allowed it re-reads every `pollMs`. `onChange` is called once at first, then only on changes.
 */
export function watchRegistryAddress(
  client: Client,
  onChange: (address: string | undefined) => void,
  opts: RegistryAddressWatchOptions = {},
): RegistryAddressWatch {
  const retryMs = opts.retryMs ?? 1000;
  const pollMs = opts.pollMs ?? 30_000;
  const abort = new AbortController();
  let first = true;
  let current: string | undefined;
  const emit = (address: string | undefined): void => {
    if (!first && address === current) return;
    first = false;
    current = address;
    try {
      onChange(address);
    } catch (err) {
      opts.log?.warn({ err, address }, 'acting on the registry address failed');
    }
  };
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  const path = `/api/v1/namespaces/${registryInfoNamespace}/configmaps/${registryInfoName}`;

  const loop = async (): Promise<void> => {
    let backoff = retryMs;
    let warned = false;
    while (!abort.signal.aborted) {
      try {
        let cm: KubeObject | undefined;
        try {
          cm = await client.resource('', 'v1', 'configmaps').get(registryInfoNamespace, registryInfoName);
        } catch (err) {
          if (!isCode(err, 404) && !isCode(err, 403)) throw err;
        }
        emit(addressOf(cm));
        markReady();
        backoff = retryMs;
        const query = new URLSearchParams({
          watch: 'true',
          timeoutSeconds: String(opts.watchTimeoutSeconds ?? 300),
        });
        if (cm?.metadata.resourceVersion) query.set('resourceVersion', cm.metadata.resourceVersion);
        const s = await client.transport.stream({ method: 'GET', path, query, signal: abort.signal });
        if (s.status === 403 || s.status === 404) {
          // Not (yet) allowed — an older Role (get only), or the Role is not published yet —
          // or an API without single-object watches: read again later, then try to watch again.
          s.close();
          if (!warned)
            opts.log?.warn(
              { status: s.status },
              'cannot watch kube-public/berth-registry; re-reading it instead',
            );
          warned = true;
          await sleep(pollMs);
          continue;
        }
        if (s.status < 200 || s.status > 299)
          throw statusErrorFromResponse(s.status, await readAll(s), `watch ${path}`);
        const opened = Date.now();
        try {
          for await (const ev of decodeWatch(s)) {
            if (ev.object?.metadata?.name !== registryInfoName) continue;
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED') emit(addressOf(ev.object));
            else if (ev.type === 'DELETED') emit(undefined);
          }
        } finally {
          s.close();
        }
        // A watch that ends at once (a server that does not hold it open) must not spin.
        if (Date.now() - opened < 1000) await sleep(pollMs);
      } catch (err) {
        markReady();
        if (abort.signal.aborted) break;
        opts.log?.warn({ err }, 'following kube-public/berth-registry failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  };
  const done = loop();
  return {
    ready,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
