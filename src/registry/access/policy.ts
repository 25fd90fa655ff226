/**
 * Who may do what, in one function. The rules:
 * - `registry:catalog:*` (the catalog) — admin users only.
 * - A repository belongs to the namespace named by its first path component, and a repository
 *   name needs at least two components to be pushed to (`ns/app`).
 * - Admin users: pull, push and delete in every existing namespace. Nobody pushes into a namespace
 *   that does not exist (create it first), so quotas and visibility always have an owner.
 * - Robots: their own actions in their own namespace, nothing elsewhere.
 * - Anyone, anonymous included: pull in a public namespace.
 * - A pull-through cache namespace is never pushed to; it fills itself from its upstream.
 * Along with the actions comes the reason the most specific restriction applies, so a refusal can
 * say why (`namespace team does not exist`) rather than only "denied".
 */
import type { Access, Action } from '../auth.ts';
import { namespaceOf } from '../reference.ts';
import type { Namespace } from '../storage/namespaces.ts';
import type { Principal } from './accounts.ts';

/** The actions a principal may perform on one resource, and why some are missing. */
export interface Allowed {
  actions: Action[];
  reason?: string;
}

/** A function from a namespace name to the namespace, if it exists. */
export type NamespaceLookup = (name: string) => Namespace | undefined;

/** Whether the principal is an admin user. */
export const isAdmin = (p: Principal): boolean => p.kind === 'user' && p.admin;

/** What `p` may do on `a`'s resource (ignoring which actions `a` asks for). */
export function allowedActions(
  p: Principal,
  a: Pick<Access, 'type' | 'name'>,
  lookup: NamespaceLookup,
): Allowed {
  if (a.type === 'registry') {
    return a.name === 'catalog' && isAdmin(p)
      ? { actions: ['*'] }
      : { actions: [], reason: 'only administrators may list the catalog' };
  }
  const nsName = namespaceOf(a.name);
  const ns = a.name.includes('/') ? lookup(nsName) : undefined;
  if (!ns) {
    const reason = a.name.includes('/')
      ? `namespace ${nsName} does not exist (create it with: berth registry namespace create ${nsName})`
      : `repository names are NAMESPACE/NAME; ${a.name} has no namespace`;
    // An admin may still read and delete (answers are then NAME_UNKNOWN, not a refusal).
    return { actions: isAdmin(p) ? ['pull', 'delete'] : [], reason };
  }
  const actions = new Set<Action>();
  let reason: string | undefined;
  if (isAdmin(p)) for (const act of ['pull', 'push', 'delete'] as const) actions.add(act);
  else if (p.kind === 'robot') {
    if (p.namespace === ns.name) for (const act of p.actions) actions.add(act);
    else reason = `robot ${p.name} belongs to namespace ${p.namespace}, not ${ns.name}`;
  } else reason = `namespace ${ns.name} is private`;
  if (ns.public) actions.add('pull');
  if (ns.proxy && actions.delete('push'))
    reason = `namespace ${ns.name} is a pull-through cache of ${ns.proxy.url}; it cannot be pushed to`;
  if (p.kind === 'robot' && p.namespace === ns.name && reason === undefined)
    reason = `robot ${p.name} may only ${p.actions.join(', ')}`;
  return reason === undefined ? { actions: [...actions] } : { actions: [...actions], reason };
}

/** Whether `p` may perform every action `a` asks for; with the reason when not. */
export function permits(p: Principal, a: Access, lookup: NamespaceLookup): { ok: boolean; reason?: string } {
  const allowed = allowedActions(p, a, lookup);
  const ok = a.actions.every((act) =>
    act === '*'
      ? allowed.actions.includes('*')
      : allowed.actions.includes('*') || allowed.actions.includes(act),
  );
  return ok ? { ok } : { ok, reason: allowed.reason };
}
