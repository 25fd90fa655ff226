/** Parsing `--node-labels`-style flags, shared by `berth sim` and `berth agent`. */
import { CliError } from './cli-error.ts';

/** `k=v,k2=v2` → labels. */
export function parseLabels(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? '').split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid label ${JSON.stringify(part)} (want key=value)`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}
