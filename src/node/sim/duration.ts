/** Go-style durations as the sim flags and annotations write them: "500ms", "2s", "1.5m", "1h". */

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration string; throws naming the value when it is not one. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration ${JSON.stringify(s)} (use e.g. 500ms, 2s, 1m)`);
  return Math.round(Number(m[1]) * units[m[2]!]!);
}
