/**
 * Plain-text tables and number formats for benchmark output: readable in a terminal and in CI logs,
 * no colours, columns aligned, numbers right-aligned.
 */

/** Renders rows under a header with aligned columns; cells that look numeric are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d.,]+\s*[a-zµ/%x]*$/i;
  const line = (cells: readonly string[], alignAll: boolean): string =>
    cells
      .map((cell, i) => {
        const w = widths[i]!;
        return !alignAll && numeric.test(cell) ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header, true), rule, ...rows.map((r) => line(r, false))].join('\n');
}

/** A duration given in milliseconds, in the unit that keeps 3 significant figures readable. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (abs >= 1) return `${ms.toPrecision(3)} ms`;
  if (abs >= 1e-3) return `${(ms * 1e3).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

/** A rate (per second) with thousands separators and no spurious decimals. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '-';
  return perSec >= 100 ? Math.round(perSec).toLocaleString('en-US') : perSec.toPrecision(3);
}

/** A ratio such as 1.23x; '-' when either side is missing. */
export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '-' : `${ratio.toFixed(2)}x`;
}
