/**
 * The token endpoint (`/token`), as Docker's token authentication specification describes it:
 * - GET `?service=&scope=...&account=&offline_token=` with Basic credentials, or none for an
 *   anonymous token — answers `{token, access_token, expires_in, issued_at}` (+ `refresh_token`
 *   when `offline_token=true` and the caller authenticated);
 * - POST form (the OAuth2 flavour containerd and docker use when they hold a password or a refresh
 *   token): `grant_type=password` with `username`/`password`, or `grant_type=refresh_token` with
 *   `refresh_token`; `scope` is space-separated; `access_type=offline` asks for a refresh token.
 * The token grants the intersection of the scopes asked for and what the account may do; asking
 * for more is not an error (the registry refuses later), bad credentials are (401).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryError } from '../errors.ts';
import { readBody, sendJson } from '../http.ts';
import type { Principal } from './accounts.ts';
import type { AccessControl } from './authorizer.ts';
import { parseBasic } from './authorizer.ts';
import type { AccountStore } from './accounts.ts';
import { allowedActions } from './policy.ts';
import { formatScope, intersectAccess, parseScopes } from './scope.ts';
import type { TokenIssuer } from './tokens.ts';

/** What the token endpoint works with. */
export interface TokenEndpointDeps {
  accounts: AccountStore;
  tokens: TokenIssuer;
  access: AccessControl;
}

const subjectOf = (p: Principal): string => (p.kind === 'anonymous' ? '' : p.name);

function badCredentials(): RegistryError {
  return new RegistryError('UNAUTHORIZED', 'invalid username or password', {
    headers: { 'WWW-Authenticate': 'Basic realm="berth-registry"' },
  });
}

function checkService(deps: TokenEndpointDeps, service: string | null): void {
  if (service !== null && service !== '' && service !== deps.tokens.service)
    throw new RegistryError('UNSUPPORTED', `unknown service ${JSON.stringify(service)}`, { status: 400 });
}

async function grant(
  deps: TokenEndpointDeps,
  principal: Principal,
  scopes: string[],
): Promise<{ token: string; expiresIn: number; issuedAt: string; scope: string }> {
  const granted = intersectAccess(
    parseScopes(scopes),
    (a) => allowedActions(principal, a, deps.access.lookup).actions,
  );
  const issued = await deps.tokens.issue(subjectOf(principal), granted);
  return { ...issued, scope: granted.map(formatScope).join(' ') };
}

/** GET /token. */
async function getToken(
  deps: TokenEndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
) {
  checkService(deps, q.get('service'));
  let principal: Principal = { kind: 'anonymous' };
  const header = req.headers.authorization;
  if (header) {
    const creds = parseBasic(header);
    const p = creds ? deps.accounts.authenticate(creds.name, creds.secret) : undefined;
    if (!p) throw badCredentials();
    principal = p;
  }
  const t = await grant(deps, principal, q.getAll('scope'));
  const doc: Record<string, unknown> = {
    token: t.token,
    access_token: t.token,
    expires_in: t.expiresIn,
    issued_at: t.issuedAt,
  };
  if (q.get('offline_token') === 'true' && principal.kind !== 'anonymous')
    doc.refresh_token = await deps.tokens.issueRefresh(principal.name);
  sendJson(res, 200, doc, { 'Cache-Control': 'no-store' });
}

/** POST /token (OAuth2 password and refresh_token grants). */
async function postToken(deps: TokenEndpointDeps, req: IncomingMessage, res: ServerResponse) {
  const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
  checkService(deps, form.get('service'));
  let principal: Principal | undefined;
  const grantType = form.get('grant_type');
  if (grantType === 'password') {
    principal = deps.accounts.authenticate(form.get('username') ?? '', form.get('password') ?? '');
  } else if (grantType === 'refresh_token') {
    const subject = await deps.tokens.verifyRefresh(form.get('refresh_token') ?? '').catch(() => undefined);
    principal = subject === undefined ? undefined : deps.accounts.lookup(subject);
  } else {
    throw new RegistryError('UNSUPPORTED', `unsupported grant_type ${JSON.stringify(grantType)}`, {
      status: 400,
    });
  }
  if (!principal) throw badCredentials();
  const t = await grant(deps, principal, form.getAll('scope'));
  const doc: Record<string, unknown> = {
    access_token: t.token,
    token_type: 'Bearer',
    expires_in: t.expiresIn,
    issued_at: t.issuedAt,
    scope: t.scope,
  };
  if (form.get('access_type') === 'offline' && principal.kind !== 'anonymous')
    doc.refresh_token =
      grantType === 'refresh_token'
        ? form.get('refresh_token')
        : await deps.tokens.issueRefresh(principal.name);
  sendJson(res, 200, doc, { 'Cache-Control': 'no-store' });
}

/** Serves /token (GET or POST). */
export async function serveToken(
  deps: TokenEndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  if (req.method === 'GET') return getToken(deps, req, res, query);
  if (req.method === 'POST') return postToken(deps, req, res);
  throw new RegistryError('UNSUPPORTED', `${req.method} is not supported on /token`, {
    headers: { Allow: 'GET, POST' },
  });
}
