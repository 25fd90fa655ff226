/**
 * The registry's access control: who a request comes from (no credentials, Basic credentials of a
 * user or robot, or a Bearer token from the token endpoint) and whether that covers the access the
 * request needs. The answers follow what Docker clients expect:
 * - no credentials and the access is not anonymously allowed (or the `/v2/` check): 401
 *   UNAUTHORIZED with `WWW-Authenticate: Bearer realm=...,service=...,scope=...`, so the client
 *   fetches a token and retries;
 * - bad credentials or an invalid/expired token: 401 with the challenge;
 * - a token lacking access the account does have (the client asked too narrowly), or an anonymous
 *   token: 401 with `error="insufficient_scope"`;
 * - an authenticated account that may not do it: 403 DENIED, saying why.
 * Anonymous requests without any token are let through for what anonymous users may do (pull from
 * a public namespace), which keeps `curl` and simple clients working.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Access, Authorizer } from '../auth.ts';
import { RegistryError } from '../errors.ts';
import type { NamespaceStore } from '../storage/namespaces.ts';
import type { AccountStore, Principal } from './accounts.ts';
import { bearerChallenge } from './challenge.ts';
import { nodeClient, pullOnly, type NodeCertificateCheck } from './node-clients.ts';
import { permits, type NamespaceLookup } from './policy.ts';
import { coversAll, formatScope } from './scope.ts';
import type { TokenIssuer } from './tokens.ts';

/** The default `service` of tokens and challenges. */
export const DEFAULT_SERVICE = 'berth-registry';

/** Who a request authenticated as, and, for a Bearer token, what the token grants. */
export interface Authenticated {
  principal: Principal;
  /** Set for Bearer tokens: the access the token carries (the ceiling, whatever the account). */
  granted?: Access[];
}

/** What the access control needs. */
export interface AccessControlOptions {
  accounts: AccountStore;
  namespaces: NamespaceStore;
  tokens: TokenIssuer;
  /** Token endpoint URL for challenges; default `<scheme>://<Host header>/token`. */
  realm?: string;
  /**
   * Let node agents pull everything with their verified client certificate (see node-clients.ts).
   * Only for a server whose TLS verifies client certificates against the cluster CA alone.
   */
  nodeClients?: boolean;
  /**
   * With `nodeClients`: whether node NAME still exists and the certificate (by its issue time) was
   * issued to that Node, not to an earlier Node of the same name. A certificate that fails (its Node
   * was deleted, or deleted and created again) pulls nothing more than an anonymous client. Without it, every
   * verified node certificate is trusted (a standalone registry knows no cluster).
   */
  nodeExists?: NodeCertificateCheck;
}

/** The access control: the authorizer for Distribution routes and `authenticate` for the others. */
export interface AccessControl {
  authorize: Authorizer;
  /** Who sent `req`; throws 401 UNAUTHORIZED (with the challenge) on bad credentials. */
  authenticate(req: IncomingMessage): Promise<Authenticated>;
  /** The token endpoint URL as seen by the client of `req`. */
  realmFor(req: IncomingMessage): string;
  /** Namespace lookup used by the policy. */
  lookup: NamespaceLookup;
}

/** Splits a Basic `Authorization` header into name and secret (secret may hold colons). */
export function parseBasic(header: string): { name: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { name: text.slice(0, i), secret: text.slice(i + 1) };
}

/** Builds the access control over accounts, namespaces and the token issuer. */
export function createAccessControl(opts: AccessControlOptions): AccessControl {
  const lookup: NamespaceLookup = (name) => opts.namespaces.get(name);
  const service = opts.tokens.service;

  const realmFor = (req: IncomingMessage): string => {
    if (opts.realm) return opts.realm;
    const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    return `${scheme}://${req.headers.host ?? 'localhost'}/token`;
  };

  const unauthorized = (
    req: IncomingMessage,
    need: readonly Access[],
    message: string,
    error?: 'invalid_token' | 'insufficient_scope',
  ): RegistryError =>
    new RegistryError('UNAUTHORIZED', message, {
      headers: {
        'WWW-Authenticate': bearerChallenge({
          realm: realmFor(req),
          service,
          scope: need.map(formatScope),
          ...(error ? { error } : {}),
        }),
      },
      ...(need.length > 0
        ? { detail: need.map((a) => ({ Type: a.type, Name: a.name, Action: a.actions.join(',') })) }
        : {}),
    });

  const authenticate = async (req: IncomingMessage): Promise<Authenticated> => {
    const header = req.headers.authorization;
    if (!header) return { principal: { kind: 'anonymous' } };
    if (/^Basic\s/i.test(header)) {
      const creds = parseBasic(header);
      const principal = creds ? opts.accounts.authenticate(creds.name, creds.secret) : undefined;
      if (!principal) throw unauthorized(req, [], 'invalid username or password');
      return { principal };
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!bearer) throw unauthorized(req, [], 'unsupported Authorization scheme');
    let verified;
    try {
      verified = await opts.tokens.verify(bearer[1]!);
    } catch (err) {
      throw unauthorized(req, [], `invalid token: ${(err as Error).message}`, 'invalid_token');
    }
    if (verified.subject === '') return { principal: { kind: 'anonymous' }, granted: verified.access };
    const principal = opts.accounts.lookup(verified.subject);
    if (!principal)
      throw unauthorized(req, [], `account ${verified.subject} no longer exists`, 'invalid_token');
    return { principal, granted: verified.access };
  };

  const authorize: Authorizer = async (req, need) => {
    if (opts.nodeClients && pullOnly(need)) {
      const node = nodeClient(req);
      if (node && (opts.nodeExists?.(node.name, node.issuedAtMs) ?? true)) return { allowed: true };
    }
    let who: Authenticated;
    try {
      who = await authenticate(req);
    } catch (err) {
      if (err instanceof RegistryError) return { allowed: false, error: err };
      throw err;
    }
    const { principal, granted } = who;
    // The account's own rights; the first refusal explains itself.
    let refusal: string | undefined;
    for (const a of need) {
      const p = permits(principal, a, lookup);
      if (!p.ok) {
        refusal = p.reason ?? 'requested access to the resource is denied';
        break;
      }
    }
    if (granted) {
      if (coversAll(granted, need)) return { allowed: true };
      if (principal.kind === 'anonymous' || refusal === undefined) {
        const message =
          principal.kind === 'anonymous'
            ? `authentication required${refusal ? `: ${refusal}` : ''}`
            : 'the token does not grant this access';
        return { allowed: false, error: unauthorized(req, need, message, 'insufficient_scope') };
      }
      return { allowed: false, error: new RegistryError('DENIED', refusal) };
    }
    if (principal.kind === 'anonymous') {
      // `/v2/` (need = []) always challenges anonymous callers: clients learn the realm from it.
      if (need.length > 0 && refusal === undefined) return { allowed: true };
      return { allowed: false, error: unauthorized(req, need, 'authentication required') };
    }
    if (refusal === undefined) return { allowed: true };
    return { allowed: false, error: new RegistryError('DENIED', refusal) };
  };

  return { authorize, authenticate, realmFor, lookup };
}
