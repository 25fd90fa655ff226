/**
 * Charging and refunding a ResourceQuota's status.used, atomically. Each change reads the stored
 * quota, decides on that exact revision, and writes back with compare-and-swap on it; a lost race
 * (another server, or the quota controller) re-reads and decides again, so two requests can never
 * both take the last unit. Within this process, writes to one quota also queue behind each other
 * (a per-quota lock) so a burst of creates does not turn into a storm of retries.
 */
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import {
  addUsage,
  exceededNames,
  maskUsage,
  parseUsage,
  subtractUsage,
  usageToJson,
  type Usage,
} from '../../api/quota/resource-list.ts';
import type { Api } from '../api.ts';

/** What one request took from one quota. */
export interface Charge {
  namespace: string;
  name: string;
  /** The quota's uid when charged: a quota deleted and re-made under the same name is not refunded. */
  uid: string;
  requested: Usage;
}

/** Why a charge was refused: the names over the limit with the numbers Kubernetes prints. */
export interface Exceeded {
  requested: Usage;
  used: Usage;
  hard: Usage;
}

const maxAttempts = 32;

function statusOf(q: KubeObject): Record<string, unknown> {
  return typeof q.status === 'object' && q.status !== null ? (q.status as Record<string, unknown>) : {};
}

/** Serializes async work per key. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let unlock!: () => void;
    const mine = new Promise<void>((r) => (unlock = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      unlock();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Reads and compare-and-swaps ResourceQuota status through the API's store. */
export class QuotaLedger {
  private readonly api: Api;
  private readonly lock = new KeyedLock();

  constructor(api: Api) {
    this.api = api;
  }

  private get quotas() {
    return this.api.resource('', 'resourcequotas');
  }

  /**
   * Read-decide-write on one quota until the write wins. `decide` sees the fresh quota and returns the
   * new status.used (or undefined to write nothing); it may throw to refuse.
   */
  private async update(
    namespace: string,
    name: string,
    decide: (q: KubeObject) => Usage | undefined,
  ): Promise<KubeObject | undefined> {
    return this.lock.run(`${namespace}/${name}`, async () => {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        let cur: { obj: KubeObject; rev: number };
        try {
          cur = await this.quotas.read(namespace, name);
        } catch (err) {
          if (err instanceof StatusError && err.code === 404) return undefined;
          throw err;
        }
        const used = decide(cur.obj);
        if (!used) return cur.obj;
        const next = cur.obj;
        next.status = { ...statusOf(next), used: usageToJson(used) };
        try {
          return await this.quotas.writeRaw(namespace, name, next, cur.rev);
        } catch (err) {
          // 409: the quota changed (or went) since the read; decide again on the new revision.
          if (err instanceof StatusError && err.code === 409) continue;
          throw err;
        }
      }
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on resourcequotas "${name}": too many concurrent updates of the quota; try again`,
      );
    });
  }

  /**
   * Adds `delta` (masked to the quota's hard names) to the quota's used, unless that goes above hard:
   * then `onExceeded` builds the error to throw. With `dryRun` the check runs but nothing is written.
   * Returns the charge made (undefined when the quota is gone or tracks none of `delta`).
   */
  async charge(
    namespace: string,
    name: string,
    delta: Usage,
    onExceeded: (quota: KubeObject, e: Exceeded) => Error,
    dryRun = false,
  ): Promise<Charge | undefined> {
    let charge: Charge | undefined;
    await this.update(namespace, name, (q) => {
      charge = undefined;
      const hard = parseUsage(statusOf(q).hard);
      const used = parseUsage(statusOf(q).used);
      const requested = maskUsage(delta, hard.keys());
      if (!requested.size) return undefined;
      const next = addUsage(used, requested);
      const over = exceededNames(maskUsage(next, requested.keys()), hard);
      if (over.length) {
        throw onExceeded(q, {
          requested: maskUsage(requested, over),
          used: maskUsage(used, over),
          hard: maskUsage(hard, over),
        });
      }
      charge = { namespace, name, uid: q.metadata.uid ?? '', requested };
      return dryRun ? undefined : next;
    });
    return charge;
  }

  /** Gives a charge back (never below zero); a quota that is gone or was re-made is left alone. */
  async refund(c: Charge): Promise<void> {
    await this.update(c.namespace, c.name, (q) => {
      if ((q.metadata.uid ?? '') !== c.uid) return undefined;
      const used = parseUsage(statusOf(q).used);
      const back = maskUsage(c.requested, used.keys());
      if (!back.size) return undefined;
      return new Map([...used, ...subtractUsage(maskUsage(used, back.keys()), back)]);
    });
  }
}
