/**
 * Field selectors: the `?fieldSelector=` query language (`spec.nodeName=n1,status.phase!=Running`).
 * Terms are joined by commas and all must hold; values escape `\`, `,` and `=` with a backslash.
 * Which fields a kind supports is the caller's business: `fieldSelectorFields` lists the names a
 * selector uses so the API server can refuse unknown ones with a 400.
 */

/** One term: a field compared with a value. `=` and `==` mean the same. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** Splits on commas that are not escaped; escapes stay in place for unescapeFieldValue. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** Undoes escapeFieldValue; throws on a bad escape or an unescaped `,` or `=`. */
export function unescapeFieldValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new Error(
          `invalid field selector: invalid escape sequence \\${c} in value ${JSON.stringify(value)}`,
        );
      }
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new Error(`invalid field selector: unescaped ${c} in value ${JSON.stringify(value)}`);
    } else {
      out += c;
    }
  }
  if (escaped)
    throw new Error(`invalid field selector: value ${JSON.stringify(value)} ends with a lone backslash`);
  return out;
}

/** Escapes a value so it can be placed in a field selector. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => '\\' + c);
}

/**
 * Parses a field selector; the empty string (and empty terms) select everything. Throws an Error
 * naming the term it cannot understand.
 */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(selector)) {
    if (term === '') continue;
    // The field part has no escapes: the first operator found splits the term.
    let found: FieldRequirement | undefined;
    for (let i = 0; i < term.length && !found; i++) {
      for (const op of ['!=', '==', '='] as const) {
        if (term.startsWith(op, i)) {
          found = {
            field: term.slice(0, i),
            operator: op,
            value: unescapeFieldValue(term.slice(i + op.length)),
          };
          break;
        }
      }
    }
    if (!found) throw new Error(`invalid selector: '${selector}'; can't understand '${term}'`);
    reqs.push(found);
  }
  return reqs;
}

/** The distinct field names a selector uses, in first-use order. */
export function fieldSelectorFields(reqs: readonly FieldRequirement[]): string[] {
  return [...new Set(reqs.map((r) => r.field))];
}

/**
 * True when every term holds; `get` returns a field's value for the object at hand, and a missing
 * value compares as the empty string.
 */
export function matchesFields(
  reqs: readonly FieldRequirement[],
  get: (field: string) => string | undefined,
): boolean {
  for (const r of reqs) {
    const have = get(r.field) ?? '';
    if ((r.operator === '!=') === (have === r.value)) return false;
  }
  return true;
}

/** The string form of a field selector (terms in order, values escaped). */
export function formatFieldSelector(reqs: readonly FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}
