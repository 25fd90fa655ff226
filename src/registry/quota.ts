/**
 * Quota arithmetic. A namespace's usage is the sum of the sizes of the distinct blobs linked into
 * any of its repositories: a layer shared by two repositories of one namespace counts once there
 * (and once more in every other namespace that links it). Manifests are not counted (they are
 * small and live in the metadata). Quantities are written the Kubernetes way: 10Gi, 500Mi, 1G, 1024.
 */

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Parses a byte quantity (`10Gi`, `1.5G`, `4096`); throws on anything else or a negative value. */
export function parseBytes(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKMGT]i?)?[bB]?\s*$/.exec(s);
  const unit = m ? UNITS[m[2] ?? ''] : undefined;
  if (!m || unit === undefined)
    throw new Error(`invalid size ${JSON.stringify(s)} (use e.g. 10Gi, 500Mi, 1G)`);
  return Math.round(Number(m[1]) * unit);
}

/** Formats bytes for people, in binary units (`1.5 MiB`); exact below 1 KiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Whether adding `adding` bytes to `used` stays within `limit` (no limit: always). */
export function fitsQuota(used: number, adding: number, limit: number | null | undefined): boolean {
  return limit === null || limit === undefined || used + adding <= limit;
}

/** The message of a refused write: "namespace NS quota exceeded: X of Y used (needs Z more)". */
export function quotaMessage(namespace: string, used: number, limit: number, adding: number): string {
  return (
    `namespace ${namespace} quota exceeded: ${formatBytes(used)} of ${formatBytes(limit)} used` +
    ` (this blob needs ${formatBytes(adding)} more)`
  );
}

/** A write that would take a namespace past its quota. */
export class QuotaExceededError extends Error {
  readonly namespace: string;
  readonly used: number;
  readonly limit: number;
  readonly adding: number;
  constructor(namespace: string, used: number, limit: number, adding: number) {
    super(quotaMessage(namespace, used, limit, adding));
    this.name = 'QuotaExceededError';
    this.namespace = namespace;
    this.used = used;
    this.limit = limit;
    this.adding = adding;
  }
}
