/**
 * Headline figures of a benchmark, each beside its same-run baseline and its target, rendered as one
 * table a reader can check at a glance (value, baseline, ratio, target, whether it is met).
 */
import { formatDuration, formatRate, formatTable } from './table.ts';

/** How a figure's numbers read: a rate per second, a duration in ms, megabytes, or a plain ratio. */
export type FigureUnit = '/s' | 'ms' | 'MB' | 'x';

/** A bound a figure should meet; `on` says whether it applies to the value (default) or the ratio. */
export interface Target {
  op: '>=' | '<=';
  value: number;
  on?: 'value' | 'ratio';
}

/** One headline figure. `ratio` is value / baseline unless given. */
export interface Figure {
  name: string;
  value: number;
  unit: FigureUnit;
  /** What the baseline is, in a few words. */
  baselineName?: string;
  baseline?: number;
  ratio?: number;
  target?: Target;
}

/** A figure with its ratio filled in and its target judged. */
export interface JudgedFigure extends Figure {
  met?: boolean;
}

/** Formats `n` in `unit`. */
export function formatFigure(n: number | undefined, unit: FigureUnit): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  switch (unit) {
    case '/s':
      return `${formatRate(n)}/s`;
    case 'ms':
      return formatDuration(n);
    case 'MB':
      return `${n.toFixed(1)} MB`;
    case 'x':
      return `${n.toFixed(2)}x`;
  }
}

/** Fills in the ratio (value / baseline) and whether the target is met (undefined = no target or no number). */
export function judge(f: Figure): JudgedFigure {
  const ratio = f.ratio ?? (f.baseline !== undefined && f.baseline !== 0 ? f.value / f.baseline : undefined);
  const out: JudgedFigure = { ...f, ...(ratio === undefined ? {} : { ratio }) };
  if (f.target) {
    const x = f.target.on === 'ratio' ? ratio : f.value;
    if (x !== undefined && Number.isFinite(x))
      out.met = f.target.op === '>=' ? x >= f.target.value : x <= f.target.value;
  }
  return out;
}

/** Renders figures as a table: figure, value, baseline (name and value), ratio, target, met. */
export function figuresTable(figures: readonly Figure[]): string {
  return formatTable(
    ['figure', 'value', 'baseline', 'baseline value', 'ratio', 'target', 'met'],
    figures.map((raw) => {
      const f = judge(raw);
      const t = f.target;
      const target = t
        ? `${t.on === 'ratio' ? 'ratio ' : ''}${t.op} ${formatFigure(t.value, t.on === 'ratio' ? 'x' : f.unit)}`
        : '-';
      return [
        f.name,
        formatFigure(f.value, f.unit),
        f.baselineName ?? '-',
        formatFigure(f.baseline, f.unit),
        formatFigure(f.ratio, 'x'),
        target,
        f.met === undefined ? '-' : f.met ? 'yes' : 'NO',
      ];
    }),
  );
}
