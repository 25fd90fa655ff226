/**
 * The simple JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*]`, `.a['key.with.dots']`
 * and filters comparing a field to a literal, `.status.conditions[?(@.type=="Ready")].status`
 * (`==` or `!=`, string, number or boolean literals). Enough for CRD columns without a JSONPath
 * engine; anything else is a parse error, reported once when the CRD is read.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: unknown };

/** A compiled path: evaluates to every value it selects, in document order. */
export type JsonPath = (root: unknown) => unknown[];

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^".*"$/.test(t) || /^'.*'$/.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  throw new Error(`unsupported literal ${t}`);
}

function parse(expr: string): Step[] {
  let src = expr.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1);
  if (src.startsWith('$')) src = src.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < src.length) {
    if (src[i] === '.') {
      const m = /^[A-Za-z0-9_\-$]+/.exec(src.slice(i + 1));
      if (!m) throw new Error(`expected a field name at ${i + 1}`);
      steps.push({ kind: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (src[i] === '[') {
      const end = src.indexOf(']', src.startsWith('[?(', i) ? src.indexOf(')', i) : i);
      if (end < 0) throw new Error('unclosed [');
      const inner = src.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$/.test(inner) || /^".*"$/.test(inner))
        steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else {
        const f = /^\?\(\s*@((?:\.[A-Za-z0-9_\-$]+)+)\s*(==|!=)\s*(.+?)\s*\)$/.exec(inner);
        if (!f) throw new Error(`unsupported selector [${inner}]`);
        steps.push({
          kind: 'filter',
          path: f[1].slice(1).split('.'),
          op: f[2] as '==' | '!=',
          value: parseLiteral(f[3]),
        });
      }
    } else {
      throw new Error(`unexpected ${JSON.stringify(src[i])} at ${i}`);
    }
  }
  return steps;
}

function field(v: unknown, name: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)[name]
    : undefined;
}

function apply(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field': {
        const x = field(v, step.name);
        if (x !== undefined) out.push(x);
        break;
      }
      case 'index':
        if (Array.isArray(v)) {
          const x = v[step.index < 0 ? v.length + step.index : step.index];
          if (x !== undefined) out.push(x);
        }
        break;
      case 'all':
        if (Array.isArray(v)) out.push(...v);
        else if (v !== null && typeof v === 'object') out.push(...Object.values(v));
        break;
      case 'filter':
        if (Array.isArray(v)) {
          for (const item of v) {
            const got = step.path.reduce<unknown>((cur, name) => field(cur, name), item);
            if ((got === step.value) === (step.op === '==')) out.push(item);
          }
        }
        break;
    }
  }
  return out;
}

/** Compiles a column's jsonPath; throws with a reason when it uses syntax outside the subset. */
export function compileJsonPath(expr: string): JsonPath {
  const steps = parse(expr);
  return (root) => steps.reduce<unknown[]>((vals, step) => apply(vals, step), [root]);
}

/** A dotted path (`spec.replicas`) from a leading-dot JSONPath (`.spec.replicas`), as ScaleRule wants. */
export function dottedPath(jsonPath: string): string {
  return jsonPath.replace(/^\./, '');
}
