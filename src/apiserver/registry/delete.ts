/**
 * DELETE of one object, with Kubernetes' rules: preconditions (uid, resourceVersion); propagation
 * policy (Foreground adds the `foregroundDeletion` finalizer, Orphan the `orphan` finalizer; the
 * garbage collector finishes them); finalizers keep an object, marked with deletionTimestamp, until they
 * are removed; pods on a node get a grace period for the agent to stop them; everything else goes at once.
 */
import { badRequest, conflict, StatusError } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { nowTimestamp } from './meta.ts';
import type { RequestContext } from './context.ts';
import type { ResourceStore } from './resource-store.ts';
import { StoreError } from '../../store/types.ts';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  dryRun?: string[];
}

export interface DeleteResult {
  obj: KubeObject;
  /** False when the object still exists (finalizers or a grace period pending). */
  deleted: boolean;
}

/** Reads DeleteOptions from the body (if any) and the query, query winning as Kubernetes does. */
export function deleteOptionsFrom(body: unknown, q: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {};
  if (body !== undefined) {
    if (!isObject(body)) throw badRequest('the body of a delete must be a DeleteOptions object');
    Object.assign(opts, body);
  }
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null) opts.gracePeriodSeconds = Number(grace);
  const policy = q.get('propagationPolicy');
  if (policy !== null) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (q.get('orphanDependents') !== null) opts.orphanDependents = q.get('orphanDependents') === 'true';
  if (
    opts.gracePeriodSeconds !== undefined &&
    (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)
  ) {
    throw badRequest(
      `gracePeriodSeconds must be a non-negative integer, got ${JSON.stringify(opts.gracePeriodSeconds)}`,
    );
  }
  if (opts.propagationPolicy && !['Foreground', 'Background', 'Orphan'].includes(opts.propagationPolicy)) {
    throw new StatusError(
      422,
      'Invalid',
      `propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
      {
        causes: [
          {
            reason: 'FieldValueNotSupported',
            field: 'propagationPolicy',
            message: `Unsupported value: "${opts.propagationPolicy}"`,
          },
        ],
      },
    );
  }
  if (opts.propagationPolicy && opts.orphanDependents !== undefined) {
    throw badRequest('orphanDependents and propagationPolicy cannot both be set');
  }
  return opts;
}

/** The grace period a pod gets, or 0 when it can go at once (not on a node, or already finished). */
function podGracePeriod(obj: KubeObject, opts: DeleteOptions): number {
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}

export async function deleteObject(
  rs: ResourceStore,
  namespace: string,
  name: string,
  opts: DeleteOptions,
  ctx: RequestContext,
): Promise<DeleteResult> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const { obj: cur, rev } = await rs.read(namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw conflict(
        rs.kind.resource,
        rs.kind.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        rs.kind.resource,
        rs.kind.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
      );
    }
    const next = JSON.parse(JSON.stringify(cur)) as KubeObject;
    const m = next.metadata;
    const policy = opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined);
    let finalizers = m.finalizers ?? [];
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) {
      finalizers = [...finalizers.filter((f) => f !== 'orphan'), 'foregroundDeletion'];
    } else if (policy === 'Orphan' && !finalizers.includes('orphan')) {
      finalizers = [...finalizers.filter((f) => f !== 'foregroundDeletion'), 'orphan'];
    } else if (policy === 'Background') {
      finalizers = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
    }
    const nsFinalizing =
      rs.kind.group === '' &&
      rs.kind.resource === 'namespaces' &&
      ((next.spec as { finalizers?: string[] })?.finalizers?.length ?? 0) > 0;
    const grace = rs.kind.group === '' && rs.kind.resource === 'pods' ? podGracePeriod(cur, opts) : 0;
    await rs.admitDelete(namespace, name, cur, ctx, false);
    if (finalizers.length === 0 && grace === 0 && !nsFinalizing) {
      if (ctx.dryRun) return { obj: cur, deleted: true };
      try {
        const gone = await rs.deleteRaw(namespace, name, rev);
        await rs.admitDelete(namespace, name, gone, ctx, true);
        return { obj: gone, deleted: true };
      } catch (err) {
        if (isRace(err)) continue;
        throw err;
      }
    }
    // Graceful: mark the object and let finalizers / the agent finish the deletion.
    const now = Date.now();
    if (!m.deletionTimestamp) {
      m.deletionTimestamp = nowTimestamp(now + grace * 1000);
      m.deletionGracePeriodSeconds = grace;
    } else if (grace < (m.deletionGracePeriodSeconds ?? 0)) {
      // A shorter grace period may replace a longer one, never the reverse.
      m.deletionTimestamp = nowTimestamp(now + grace * 1000);
      m.deletionGracePeriodSeconds = grace;
    }
    if (finalizers.length) m.finalizers = finalizers;
    else delete m.finalizers;
    if (nsFinalizing) {
      next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
    }
    if (JSON.stringify(next) === JSON.stringify(cur)) return { obj: cur, deleted: false };
    if (ctx.dryRun) return { obj: next, deleted: false };
    try {
      const written = await rs.writeRaw(namespace, name, next, rev);
      return { obj: written, deleted: false };
    } catch (err) {
      if (isRace(err)) continue;
      throw err;
    }
  }
  throw conflict(rs.kind.resource, rs.kind.group, name, 'too many concurrent writers; try again');
}

function isRace(err: unknown): boolean {
  return (
    (err instanceof StoreError && (err.code === 'Conflict' || err.code === 'NotFound')) ||
    (err instanceof StatusError && err.code === 409 && err.reason === 'Conflict')
  );
}
