/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): a request carrying Impersonate-User,
 * Impersonate-Group, Impersonate-Uid or Impersonate-Extra-KEY headers runs as the named identity,
 * provided the authenticated requester may `impersonate` each part of it — users (or serviceaccounts,
 * for `system:serviceaccount:NS:NAME`) and groups in the core group, uids and userextras/KEY in
 * authentication.k8s.io, each checked by name like Kubernetes does.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest, StatusError } from '../../api/errors.ts';
import {
  anonymousUserName,
  freezeUser,
  groupAuthenticated,
  groupServiceAccounts,
  groupUnauthenticated,
  type UserInfo,
} from '../authn/user.ts';
import { forbiddenMessage, type Attributes, type Authorizer } from './authorizer.ts';

const userHeader = 'impersonate-user';
const groupHeader = 'impersonate-group';
const uidHeader = 'impersonate-uid';
const extraPrefix = 'impersonate-extra-';
const saPrefix = 'system:serviceaccount:';

/** Whether the request asks to impersonate anyone. */
export function wantsImpersonation(req: Pick<IncomingMessage, 'headers'>): boolean {
  // (Every request asks this: a plain loop over the header names, no array of them.)
  for (const h in req.headers) {
    if (h.charCodeAt(0) !== 105 /* i */) continue;
    if (h === userHeader || h === groupHeader || h === uidHeader || h.startsWith(extraPrefix)) return true;
  }
  return false;
}

function values(req: Pick<IncomingMessage, 'headers' | 'headersDistinct'>, name: string): string[] {
  // headersDistinct keeps repeated headers apart (plain `headers` joins them with ", ").
  const distinct = req.headersDistinct?.[name];
  if (distinct) return distinct;
  const v = req.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function decodeExtraKey(raw: string): string {
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    throw badRequest(`invalid impersonation extra key ${JSON.stringify(raw)}`);
  }
}

/**
 * The identity the request runs as: `user` when no impersonation headers are present, otherwise the
 * impersonated user after checking each part with `authorizer`. Throws 403 (Kubernetes wording) when
 * a part is not allowed, 400 when the headers are inconsistent.
 */
export async function impersonate(
  req: Pick<IncomingMessage, 'headers' | 'headersDistinct'>,
  user: UserInfo,
  authorizer: Authorizer,
): Promise<UserInfo> {
  if (!wantsImpersonation(req)) return user;
  const names = values(req, userHeader);
  const groups = values(req, groupHeader);
  const uids = values(req, uidHeader);
  const extra: Record<string, string[]> = {};
  for (const h of Object.keys(req.headers)) {
    if (h.startsWith(extraPrefix)) extra[decodeExtraKey(h.slice(extraPrefix.length))] = values(req, h);
  }
  if (names.length !== 1 || !names[0]) {
    throw badRequest(
      'impersonating groups, a uid or extra fields requires impersonating exactly one user (Impersonate-User)',
    );
  }
  if (uids.length > 1) throw badRequest('at most one Impersonate-Uid header is allowed');
  const name = names[0];

  const check = async (a: Omit<Attributes, 'user' | 'verb' | 'isResourceRequest'>): Promise<void> => {
    const attrs: Attributes = { user, verb: 'impersonate', isResourceRequest: true, ...a };
    const d = await authorizer.authorize(attrs);
    if (!d.allowed) {
      throw new StatusError(403, 'Forbidden', forbiddenMessage(attrs), {
        name: attrs.name,
        group: attrs.group || undefined,
        kind: attrs.resource,
      });
    }
  };

  const out: UserInfo = { name, groups: [...groups] };
  if (name.startsWith(saPrefix)) {
    const [ns, sa] = name.slice(saPrefix.length).split(':', 2);
    if (!ns || !sa) throw badRequest(`invalid service account name ${JSON.stringify(name)}`);
    await check({ group: '', resource: 'serviceaccounts', namespace: ns, name: sa });
    for (const g of [groupServiceAccounts, `${groupServiceAccounts}:${ns}`])
      if (!out.groups.includes(g)) out.groups.push(g);
  } else {
    await check({ group: '', resource: 'users', name });
  }
  for (const g of groups) await check({ group: '', resource: 'groups', name: g });
  if (uids.length === 1) {
    await check({ group: 'authentication.k8s.io', resource: 'uids', name: uids[0] });
    out.uid = uids[0];
  }
  for (const [key, vals] of Object.entries(extra)) {
    for (const v of vals)
      await check({ group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v });
  }
  if (Object.keys(extra).length) out.extra = extra;

  const implied = name === anonymousUserName ? groupUnauthenticated : groupAuthenticated;
  if (!out.groups.includes(implied)) out.groups.push(implied);
  return freezeUser(out);
}
