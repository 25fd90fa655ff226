/**
 * Deleting everything in one namespace: for each namespaced resource that can be listed and
 * deleted, one DELETE of the collection where the resource supports `deletecollection` (else a list
 * and a DELETE per object), then a list of what is left. Objects that linger (finalizers, grace
 * periods) are counted, not waited for: the controller looks again later. Errors are collected per
 * resource so one broken API does not stop the others from being emptied.
 */
import { StatusError } from '../../api/errors.ts';
import type { KubeList, KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { isNotFound } from '../../client/status.ts';
import { groupResource, supports, type ServedResource } from '../served-resources.ts';

/** What one pass over a namespace's content found. */
export interface ContentResult {
  /** Objects still present, by group/resource. */
  remaining: Record<string, number>;
  /** Finalizers still present on remaining objects, with how many objects carry each. */
  finalizers: Record<string, number>;
  /** One message per resource whose deletion or listing failed. */
  failures: string[];
}

const deleteBody = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };

function collectionPath(r: ServedResource, namespace: string): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return `${root}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
}

/** The resources a namespace's deletion must empty. */
export function namespacedDeletable(resources: ServedResource[]): ServedResource[] {
  return resources.filter((r) => r.namespaced && supports(r, 'list', 'delete'));
}

async function deleteEach(client: Client, r: ServedResource, namespace: string): Promise<void> {
  const rc = client.resource(r.group, r.version, r.resource);
  const list = await rc.list(namespace);
  for (const o of list.items) {
    if (o.metadata.deletionTimestamp) continue;
    try {
      await rc.delete(namespace, o.metadata.name ?? '', { propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

async function emptyOne(
  client: Client,
  r: ServedResource,
  namespace: string,
  out: ContentResult,
): Promise<void> {
  const gr = groupResource(r);
  try {
    if (supports(r, 'deletecollection')) {
      try {
        await client.call({ method: 'DELETE', path: collectionPath(r, namespace), body: deleteBody });
      } catch (err) {
        // 405: not supported after all; 404: maybe the resource went away — the list below will say.
        if (!(err instanceof StatusError && (err.code === 405 || err.code === 404))) throw err;
        await deleteEach(client, r, namespace);
      }
    } else {
      await deleteEach(client, r, namespace);
    }
    const left: KubeList<KubeObject> = await client.resource(r.group, r.version, r.resource).list(namespace);
    if (left.items.length) out.remaining[gr] = left.items.length;
    for (const o of left.items)
      for (const f of o.metadata.finalizers ?? []) out.finalizers[f] = (out.finalizers[f] ?? 0) + 1;
  } catch (err) {
    if (isNotFound(err)) return; // the resource went away (a CRD removed meanwhile)
    out.failures.push(`${gr}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Deletes the content of `namespace` across `resources` (already filtered to the deletable ones). */
export async function deleteContent(
  client: Client,
  namespace: string,
  resources: ServedResource[],
): Promise<ContentResult> {
  const out: ContentResult = { remaining: {}, finalizers: {}, failures: [] };
  await Promise.all(resources.map((r) => emptyOne(client, r, namespace, out)));
  out.failures.sort();
  return out;
}
