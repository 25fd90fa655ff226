/**
 * Label selectors: the `?labelSelector=` query language and metav1.LabelSelector, reduced to one
 * form — a list of requirements that must all hold. Parsing validates keys and values the way the
 * API server does, so a bad selector is a 400 with a message naming the problem rather than a
 * selector that silently matches nothing.
 */

/** Operators of a requirement; `Equals`/`DoubleEquals` only differ in how they print. */
export type LabelOperator =
  | 'In'
  | 'NotIn'
  | 'Exists'
  | 'DoesNotExist'
  | 'Equals'
  | 'DoubleEquals'
  | 'NotEquals'
  | 'GreaterThan'
  | 'LessThan';

/** One condition on one label key. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** metav1.LabelSelectorRequirement as it appears in objects. */
export interface LabelSelectorRequirementSpec {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector as it appears in objects (spec.selector of workloads). */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementSpec[];
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INTEGER = /^[+-]?\d+$/;

/** Why `key` is not a valid label key (qualified name), or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? '' : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253) return 'prefix part must be no more than 253 characters';
    if (!DNS_SUBDOMAIN.test(prefix)) {
      return "prefix part must be a lowercase RFC 1123 subdomain (lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character)";
    }
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is (the empty value is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!NAME.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/**
 * Builds one requirement, checking it the way the API server does; throws an Error naming the
 * problem.
 */
export function labelRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) throw new Error(`invalid label key ${JSON.stringify(key)}: ${keyProblem}`);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        throw new Error(
          `for 'in', 'notin' operators, values set can't be empty (key ${JSON.stringify(key)})`,
        );
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1)
        throw new Error(`exact-match operators need exactly one value (key ${JSON.stringify(key)})`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0)
        throw new Error(
          `values set must be empty for exists and does not exist (key ${JSON.stringify(key)})`,
        );
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1 || !INTEGER.test(values[0]!)) {
        throw new Error(
          `for 'Gt', 'Lt' operators, the value must be a single integer (key ${JSON.stringify(key)})`,
        );
      }
      return { key, operator, values: [...values] };
  }
  for (const v of values) {
    const problem = labelValueProblem(v);
    if (problem)
      throw new Error(`invalid label value ${JSON.stringify(v)} for key ${JSON.stringify(key)}: ${problem}`);
  }
  return { key, operator, values: [...values] };
}

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'Equals':
    case 'DoubleEquals':
    case 'In':
      return has && r.values.includes(value!);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || !INTEGER.test(value!)) return false;
      const have = BigInt(value!);
      const want = BigInt(r.values[0]!);
      return r.operator === 'GreaterThan' ? have > want : have < want;
    }
  }
}

/**
 * True when every requirement holds for `labels`. `null` is the selector that matches nothing
 * (what a missing metav1.LabelSelector means); an empty list matches everything.
 */
export function matchesLabels(
  selector: readonly LabelRequirement[] | null,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (selector === null) return false;
  const l = labels ?? {};
  for (const r of selector) if (!requirementMatches(r, l)) return false;
  return true;
}

function byKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Converts a metav1.LabelSelector into requirements: matchLabels become equality, expressions use
 * In/NotIn/Exists/DoesNotExist. A missing selector (null/undefined) matches nothing and comes back
 * as null; an empty one matches everything. Throws an Error for a malformed selector.
 */
export function selectorFromLabelSelector(
  ls: LabelSelectorSpec | null | undefined,
): LabelRequirement[] | null {
  if (ls === null || ls === undefined) return null;
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(labelRequirement(k, 'Equals', [v]));
  for (const e of ls.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
      case 'Exists':
      case 'DoesNotExist':
        reqs.push(labelRequirement(e.key, e.operator, values));
        break;
      default:
        throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
  }
  return byKey(reqs);
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Equals':
      return `${r.key}=${r.values[0]}`;
    case 'DoubleEquals':
      return `${r.key}==${r.values[0]}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0]}`;
    case 'GreaterThan':
      return `${r.key}>${r.values[0]}`;
    case 'LessThan':
      return `${r.key}<${r.values[0]}`;
    case 'In':
    case 'NotIn':
      return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${[...r.values].sort().join(',')})`;
  }
}

/** The string form of requirements, sorted by key (what `?labelSelector=` would carry). */
export function formatRequirements(reqs: readonly LabelRequirement[] | null): string {
  if (!reqs) return '';
  return byKey([...reqs])
    .map(requirementString)
    .join(',');
}

/**
 * The string form of a metav1.LabelSelector, as the /scale subresource reports it in
 * status.selector: `app=web,tier in (back,front)`.
 */
export function formatLabelSelector(ls: LabelSelectorSpec | null | undefined): string {
  return formatRequirements(selectorFromLabelSelector(ls));
}

type Token =
  | { kind: 'id'; text: string; pos: number }
  | { kind: 'op'; text: '!' | '=' | '==' | '!=' | '>' | '<' | '(' | ')' | ','; pos: number }
  | { kind: 'end'; pos: number };

const SPECIAL = new Set(['!', '=', '>', '<', '(', ')', ',']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two, pos: i });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c as '!', pos: i });
        i++;
      }
      continue;
    }
    const start = i;
    while (i < input.length && !SPECIAL.has(input[i]!) && !/\s/.test(input[i]!)) i++;
    tokens.push({ kind: 'id', text: input.slice(start, i), pos: start });
  }
  tokens.push({ kind: 'end', pos: input.length });
  return tokens;
}

function describeToken(t: Token): string {
  return t.kind === 'end' ? 'end of string' : `'${t.text}' at position ${t.pos}`;
}

/**
 * Parses a label selector string: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>1`, `a<1`, joined by commas (all must hold). The empty string matches everything. Throws an
 * Error whose message names the problem and where it is. Requirements come back sorted by key.
 */
export function parseLabelSelector(input: string): LabelRequirement[] {
  const tokens = tokenize(input);
  let p = 0;
  const peek = (): Token => tokens[p]!;
  const next = (): Token => tokens[p++]!;
  const fail = (t: Token, expected: string): never => {
    throw new Error(
      `label selector ${JSON.stringify(input)}: found ${describeToken(t)}, expected ${expected}`,
    );
  };
  const reqs: LabelRequirement[] = [];
  if (peek().kind === 'end') return reqs;

  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id') fail(key, 'a label key');
      reqs.push(labelRequirement((key as { text: string }).text, 'DoesNotExist', []));
    } else {
      if (t.kind !== 'id') fail(t, "a label key or '!'");
      const key = (t as { text: string }).text;
      t = peek();
      if (t.kind === 'end' || (t.kind === 'op' && t.text === ',')) {
        reqs.push(labelRequirement(key, 'Exists', []));
      } else if (t.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(t.text)) {
        p++;
        const op: LabelOperator =
          t.text === '='
            ? 'Equals'
            : t.text === '=='
              ? 'DoubleEquals'
              : t.text === '!='
                ? 'NotEquals'
                : t.text === '>'
                  ? 'GreaterThan'
                  : 'LessThan';
        const v = peek();
        let value = '';
        if (v.kind === 'id') {
          value = v.text;
          p++;
        } else if (!(v.kind === 'end' || (v.kind === 'op' && v.text === ','))) {
          fail(v, 'a label value');
        }
        reqs.push(labelRequirement(key, op, [value]));
      } else if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
        p++;
        const open = next();
        if (!(open.kind === 'op' && open.text === '(')) fail(open, "'('");
        const values: string[] = [];
        let expectValue = true;
        for (;;) {
          const v = next();
          if (v.kind === 'id') {
            if (!expectValue) fail(v, "',' or ')'");
            values.push(v.text);
            expectValue = false;
          } else if (v.kind === 'op' && v.text === ',') {
            if (expectValue) values.push('');
            expectValue = true;
          } else if (v.kind === 'op' && v.text === ')') {
            if (expectValue && values.length > 0) values.push('');
            break;
          } else {
            fail(v, "a label value, ',' or ')'");
          }
        }
        reqs.push(labelRequirement(key, t.text === 'in' ? 'In' : 'NotIn', values));
      } else {
        fail(t, "'=', '==', '!=', 'in', 'notin', '>', '<' or ','");
      }
    }
    const sep = next();
    if (sep.kind === 'end') break;
    if (!(sep.kind === 'op' && sep.text === ',')) fail(sep, "',' or end of string");
  }
  return byKey(reqs);
}
