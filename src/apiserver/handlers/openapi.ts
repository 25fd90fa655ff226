/**
 * OpenAPI v3: an index at /openapi/v3 and one document per group/version. kubectl reads them for
 * `explain` (schemas found by x-kubernetes-group-version-kind, fields followed through $refs) and to
 * learn that the server validates fields itself (the `fieldValidation` query parameter on POST), so it
 * leaves validation to the server instead of asking for --validate=false.
 */
import { createHash } from 'node:crypto';
import type { KindDef } from '../../api/kinds/types.ts';
import type { KindRegistry } from '../../api/kinds/registry.ts';
import { refName, type Definitions, type Schema } from '../../api/schema/types.ts';
import { subresourcesOf } from './discovery.ts';

const versionInfo = { title: 'Berth', version: 'v1.32.4' };

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Every definition reachable from `roots`, so a document is self-contained. */
function closure(defs: Definitions, roots: string[]): Definitions {
  const out: Definitions = {};
  const stack = [...roots];
  const visit = (s: Schema | undefined) => {
    if (!s || typeof s !== 'object') return;
    const name = refName(s);
    if (name && !(name in out)) stack.push(name);
    for (const a of s.allOf ?? []) visit(a);
    if (s.items) visit(s.items);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') visit(s.additionalProperties);
    for (const p of Object.values(s.properties ?? {})) visit(p);
  };
  while (stack.length) {
    const name = stack.pop()!;
    if (name in out || !defs[name]) continue;
    out[name] = defs[name];
    visit(defs[name]);
  }
  return out;
}

const param = (name: string, description: string, type = 'string') => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const writeParams = [
  param('dryRun', 'When present (value All), run every step but do not persist the change.'),
  param('fieldManager', 'Name of the actor making the change, for field ownership.'),
  param(
    'fieldValidation',
    'How to treat fields the schema does not know: Ignore, Warn (default) or Strict (reject the request).',
  ),
];

const listParams = [
  param('labelSelector', 'Only objects whose labels match this selector.'),
  param('fieldSelector', 'Only objects whose fields match this selector.'),
  param('limit', 'Return at most this many objects; continue with the token returned.', 'integer'),
  param('continue', 'The token from the previous page of a limited list.'),
  param('resourceVersion', 'Which version of the collection to read or to watch from.'),
  param('resourceVersionMatch', 'How resourceVersion applies: Exact or NotOlderThan.'),
  param('watch', 'Stream changes instead of listing.', 'boolean'),
  param('allowWatchBookmarks', 'Allow BOOKMARK events on watches.', 'boolean'),
  param('timeoutSeconds', 'End a list or watch after this many seconds.', 'integer'),
];

const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  description: `The ${name} of the object.`,
  schema: { type: 'string', uniqueItems: true },
});

function body(ref: string) {
  return { content: { 'application/json': { schema: { $ref: ref } } }, required: true };
}

function ok(ref: string) {
  return { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } };
}

function paths(k: KindDef): Record<string, unknown> {
  const gvk = { group: k.group, version: k.version, kind: k.kind };
  const ref = `#/components/schemas/${k.schema}`;
  const listRef = `#/components/schemas/${k.schema}List`;
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  const coll = k.namespaced ? `${base}/namespaces/{namespace}/${k.resource}` : `${base}/${k.resource}`;
  const op = (action: string, id: string, extra: Record<string, unknown> = {}) => ({
    operationId: `${id}${k.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const nsParams = k.namespaced ? [pathParam('namespace')] : [];
  const out: Record<string, unknown> = {};
  if (k.virtual) {
    out[`${base}/${k.resource}`] = {
      post: op('post', 'create', { parameters: writeParams, requestBody: body(ref), responses: ok(ref) }),
    };
    return out;
  }
  out[coll] = {
    parameters: nsParams,
    get: op('list', 'list', { parameters: listParams, responses: ok(listRef) }),
    post: op('post', 'create', { parameters: writeParams, requestBody: body(ref), responses: ok(ref) }),
    delete: op('deletecollection', 'deleteCollection', {
      parameters: listParams,
      responses: ok('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status'),
    }),
  };
  out[`${coll}/{name}`] = {
    parameters: [pathParam('name'), ...nsParams],
    get: op('get', 'read', { responses: ok(ref) }),
    put: op('put', 'replace', { parameters: writeParams, requestBody: body(ref), responses: ok(ref) }),
    patch: op('patch', 'patch', { parameters: writeParams, responses: ok(ref) }),
    delete: op('delete', 'delete', { parameters: writeParams, responses: ok(ref) }),
  };
  for (const s of subresourcesOf(k)) {
    if (s.name !== 'status' && s.name !== 'scale') continue;
    const sref = s.name === 'status' ? ref : '#/components/schemas/io.k8s.api.autoscaling.v1.Scale';
    out[`${coll}/{name}/${s.name}`] = {
      parameters: [pathParam('name'), ...nsParams],
      get: op('get', `read${s.name}`, { responses: ok(sref) }),
      put: op('put', `replace${s.name}`, {
        parameters: writeParams,
        requestBody: body(sref),
        responses: ok(sref),
      }),
      patch: op('patch', `patch${s.name}`, { parameters: writeParams, responses: ok(sref) }),
    };
  }
  if (k.namespaced) {
    out[`${base}/${k.resource}`] = {
      get: op('list', 'listAllNamespaces', { parameters: listParams, responses: ok(listRef) }),
    };
  }
  return out;
}

export class OpenApi {
  private readonly registry: KindRegistry;
  private docs = new Map<string, { text: string; hash: string }>();
  private indexText: string | undefined;

  constructor(registry: KindRegistry) {
    this.registry = registry;
  }

  invalidate(): void {
    this.docs = new Map();
    this.indexText = undefined;
  }

  /** The document for one group/version, built once. */
  document(group: string, version: string): { text: string; hash: string } | undefined {
    const key = gvPath(group, version);
    const hit = this.docs.get(key);
    if (hit) return hit;
    const kinds = this.registry.kindsOf(group, version);
    if (kinds.length === 0) return undefined;
    const defs = this.registry.definitions;
    const roots = kinds.flatMap((k) => [k.schema, `${k.schema}List`]);
    roots.push('io.k8s.apimachinery.pkg.apis.meta.v1.Status');
    if (kinds.some((k) => k.scale)) roots.push('io.k8s.api.autoscaling.v1.Scale');
    const doc = {
      openapi: '3.0.0',
      info: versionInfo,
      paths: Object.assign({}, ...kinds.map(paths)),
      components: { schemas: closure(defs, roots) },
    };
    const text = JSON.stringify(doc);
    const entry = { text, hash: createHash('sha512').update(text).digest('hex').slice(0, 64).toUpperCase() };
    this.docs.set(key, entry);
    return entry;
  }

  index(): string {
    if (this.indexText === undefined) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const g of this.registry.groups()) {
        for (const v of g.versions) {
          const d = this.document(g.group, v);
          if (d)
            paths[gvPath(g.group, v)] = {
              serverRelativeURL: `/openapi/v3/${gvPath(g.group, v)}?hash=${d.hash}`,
            };
        }
      }
      this.indexText = JSON.stringify({ paths });
    }
    return this.indexText;
  }
}
