/**
 * Claiming dependents (Kubernetes' ControllerRefManager): of the candidate objects, keep those this
 * owner controls and whose labels still match; adopt orphans that match (only while the owner is
 * not being deleted, re-checked against the API once per claim so a stale cache cannot adopt into
 * an owner on its way out); release owned objects that stopped matching. Adopting and releasing
 * are merge patches of metadata.ownerReferences guarded by the object's resourceVersion, so a
 * concurrent change makes the patch fail (and the key is retried) instead of clobbering.
 */
import type { DeepReadonly, KubeObject, OwnerReference } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import { isNotFound } from '../../client/status.ts';
import { controllerRefOf } from './controller-ref.ts';

type RO<T> = DeepReadonly<T>;

export interface ClaimOptions<T extends KubeObject> {
  /** The would-be controller. */
  owner: RO<KubeObject>;
  /** The controller reference adoption adds. */
  ownerRef: OwnerReference;
  /** Whether the owner's selector matches the candidate. */
  matches(obj: RO<T>): boolean;
  /** Resolves when adoption is allowed; rejects (e.g. the owner is being deleted) otherwise. */
  canAdopt(): Promise<void>;
  /** The candidates' resource, for the patches. */
  client: ResourceClient<T>;
}

/** What a claim did, besides returning the claimed objects. */
export interface ClaimResult<T extends KubeObject> {
  claimed: RO<T>[];
  adopted: string[];
  released: string[];
}

/** Claims `candidates` for `o.owner`; see the file comment. Errors from adopt/release are thrown after the rest ran. */
export async function claimObjects<T extends KubeObject>(
  candidates: readonly RO<T>[],
  o: ClaimOptions<T>,
): Promise<ClaimResult<T>> {
  const out: ClaimResult<T> = { claimed: [], adopted: [], released: [] };
  const errors: unknown[] = [];
  const ownerUid = o.owner.metadata.uid;
  const ownerDeleting = Boolean(o.owner.metadata.deletionTimestamp);
  let adoptCheck: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const name = obj.metadata.name ?? '';
    if (ref) {
      if (ref.uid !== ownerUid) continue; // someone else's
      if (o.matches(obj)) {
        out.claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue; // leave dependents alone while the owner goes away
      try {
        await release(obj, ownerUid ?? '', o.client);
        out.released.push(name);
      } catch (err) {
        if (!isNotFound(err)) errors.push(err);
      }
      continue;
    }
    if (ownerDeleting || obj.metadata.deletionTimestamp || !o.matches(obj)) continue;
    try {
      adoptCheck ??= o.canAdopt();
      await adoptCheck;
      out.claimed.push(await adopt(obj, o.ownerRef, o.client));
      out.adopted.push(name);
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return out;
}

async function adopt<T extends KubeObject>(
  obj: RO<T>,
  ref: OwnerReference,
  client: ResourceClient<T>,
): Promise<RO<T>> {
  const refs = [
    ...(obj.metadata.ownerReferences ?? []).map((r) => structuredClone(r) as OwnerReference),
    ref,
  ];
  const body = { metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion } };
  return (await client.patch(obj.metadata.namespace, obj.metadata.name ?? '', 'merge', body)) as RO<T>;
}

async function release<T extends KubeObject>(
  obj: RO<T>,
  ownerUid: string,
  client: ResourceClient<T>,
): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  const body = {
    metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion },
  };
  await client.patch(obj.metadata.namespace, obj.metadata.name ?? '', 'merge', body);
}
