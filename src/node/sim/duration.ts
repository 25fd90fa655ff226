/** Go-style durations as the sim flags and annotations write them: "500ms", "2s", "1.5m", "1h", "1m30s". */

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration string; throws naming the value when it is not one. */
export function parseDuration(s: string): number {
  const text = s.trim();
  // One or more number+unit parts, summed as Go does: "1m30s", "1h5m".
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(text))
    throw new Error(`invalid duration ${JSON.stringify(s)} (use e.g. 500ms, 2s, 1m, 1m30s)`);
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]!]!;
  return Math.round(total);
}
