/**
 * The free-space reserve of the registry's volume. Blobs share their volume with the registry's
 * SQLite database (and, under `berth up`, with the platform's datastore and logs), which need room to
 * write — a manifest push, a token, a Node update. So a new upload is refused (507, as on a full
 * disk) when the bytes it declares would leave less free space than the reserve; the reserve itself
 * stays for everything else. A body of unknown length is admitted while free space is above the
 * reserve (it may then run into ENOSPC, which is answered the same way).
 */

/** A reserve as a fixed size, a share of the volume, or the lesser of both. */
export interface SpaceReserve {
  /** Bytes to keep free; absent: no fixed part. */
  bytes?: number;
  /** Percent of the volume's size to keep free; absent: no share part. */
  percent?: number;
}

/** The default: the lesser of 1 GiB and 5% of the volume (a small volume keeps a fair share). */
export const defaultSpaceReserve: SpaceReserve = { bytes: 1024 ** 3, percent: 5 };

/** No reserve: uploads may use the last byte (tests of the full-disk path). */
export const noSpaceReserve: SpaceReserve = { bytes: 0 };

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

/**
 * Parses a `--storage-reserve` value: a size (`512Mi`, `2G`, `1048576`, `0`), a percent of the
 * volume (`5%`), or both joined by `,` meaning the lesser (`1Gi,5%`). Throws on anything else.
 */
export function parseSpaceReserve(s: string): SpaceReserve {
  const out: SpaceReserve = {};
  for (const part of s.split(',').map((p) => p.trim())) {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(part);
    const size = /^(\d+(?:\.\d+)?)([kKmMgGtT]i?)?[bB]?$/.exec(part);
    if (pct && out.percent === undefined && Number(pct[1]) <= 100) out.percent = Number(pct[1]);
    else if (size && out.bytes === undefined)
      out.bytes = Math.round(Number(size[1]) * UNITS[(size[2] ?? '').toLowerCase()]!);
    else
      throw new Error(
        `invalid storage reserve ${JSON.stringify(s)} (use a size like 512Mi or 1G, a percent like 5%, or both: 1Gi,5%)`,
      );
  }
  return out;
}

/** The reserve in bytes on a volume of `total` bytes. */
export function reserveBytes(r: SpaceReserve, total: number): number {
  const parts = [
    ...(r.bytes !== undefined ? [r.bytes] : []),
    ...(r.percent !== undefined ? [Math.floor((total * r.percent) / 100)] : []),
  ];
  return parts.length ? Math.min(...parts) : 0;
}

/** A volume's size and the bytes an unprivileged writer may still use. */
export interface VolumeSpace {
  total: number;
  free: number;
}

/**
 * Whether `incoming` more bytes fit on the volume while leaving the reserve free. `space` undefined
 * (a store that cannot tell, e.g. object storage) always fits.
 */
export function fitsAboveReserve(
  space: VolumeSpace | undefined,
  r: SpaceReserve,
  incoming: number,
): { fits: boolean; reserve: number } {
  if (!space) return { fits: true, reserve: 0 };
  const reserve = reserveBytes(r, space.total);
  // With no reserve, nothing is refused early: ENOSPC decides, as before.
  return { fits: reserve === 0 || space.free - incoming >= reserve, reserve };
}
