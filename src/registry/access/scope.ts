/**
 * Docker token scopes: `repository:NAME:pull,push`, `registry:catalog:*`. Clients ask for scopes in
 * the token request (`scope=` parameters, space-separated in the POST form), the registry names the
 * scope a request needs in its 401 challenge, and tokens carry the granted ones as `access` claims.
 * What is granted is always the intersection of what was asked and what the account may do, so a
 * token never says more than either.
 */
import type { Access, Action } from '../auth.ts';

const ACTIONS: readonly Action[] = ['pull', 'push', 'delete', '*'];

const isAction = (s: string): s is Action => (ACTIONS as readonly string[]).includes(s);

/**
 * Parses one scope string. The resource type may carry a class (`repository(plugin)`), which is
 * dropped; unknown types and actions are ignored (a client asking for more than exists gets less,
 * never an error), so the result may be undefined.
 */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  const type = scope.slice(0, first).replace(/\(.*\)$/, '');
  const name = scope.slice(first + 1, last);
  if ((type !== 'repository' && type !== 'registry') || name === '') return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter(isAction);
  return { type, name, actions: [...new Set(actions)] };
}

/** Parses several scopes (query `scope` values, each possibly holding several separated by spaces). */
export function parseScopes(values: readonly string[]): Access[] {
  const out: Access[] = [];
  for (const v of values)
    for (const s of v.split(' ')) {
      const a = s === '' ? undefined : parseScope(s);
      if (a) out.push(a);
    }
  return mergeAccess(out);
}

/** The scope string of one access (`repository:ns/app:pull,push`). */
export function formatScope(a: Access): string {
  return `${a.type}:${a.name}:${a.actions.join(',')}`;
}

/** Merges entries for the same resource, so each resource appears once with the union of actions. */
export function mergeAccess(list: readonly Access[]): Access[] {
  const byKey = new Map<string, Access>();
  for (const a of list) {
    const key = `${a.type}:${a.name}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { type: a.type, name: a.name, actions: [...a.actions] });
    else for (const act of a.actions) if (!seen.actions.includes(act)) seen.actions.push(act);
  }
  return [...byKey.values()];
}

/** Whether `held` (a granted action list) includes `action`; `*` holds everything. */
export function holds(held: readonly Action[], action: Action): boolean {
  return held.includes('*') || held.includes(action);
}

/**
 * What to grant: for each asked resource, the asked actions the account may perform. `allowed`
 * answers with the actions allowed on a resource (`*` meaning all). An asked `*` is granted only as
 * `*` (all of them) — never widened into separate actions the client did not name.
 */
export function intersectAccess(
  asked: readonly Access[],
  allowed: (a: Access) => readonly Action[],
): Access[] {
  const out: Access[] = [];
  for (const a of mergeAccess(asked)) {
    const may = allowed(a);
    const actions = a.actions.filter((act) => (act === '*' ? may.includes('*') : holds(may, act)));
    if (actions.length > 0) out.push({ type: a.type, name: a.name, actions });
  }
  return out;
}

/** Whether `granted` covers every action of `need` (the access one request needs). */
export function coversAll(granted: readonly Access[], need: readonly Access[]): boolean {
  return need.every((n) => {
    const g = granted.find((x) => x.type === n.type && x.name === n.name);
    return g !== undefined && n.actions.every((act) => holds(g.actions, act));
  });
}
