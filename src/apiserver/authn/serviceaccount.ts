/**
 * Authenticates service-account tokens (see serviceaccount-token.ts). A token is this
 * authenticator's business when it is a JWT naming our issuer; anything else resolves undefined so
 * other authenticators may try. Ours must carry a valid ES256 signature from one of the configured
 * keys, be within its validity window, name an accepted audience, and belong to a service account
 * (and bound object, when a lookup is given) that still exists with the same uid. Verified tokens
 * are cached for a few seconds, so a burst of requests costs one verification.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTPayload } from 'jose';
import { isObject } from '../../api/object.ts';
import { jose } from './jose-lib.ts';
import { rejectCredentials } from './authenticator.ts';
import type { Authenticator } from './authenticator.ts';
import { bearerToken } from './bearer.ts';
import { keyIdOf, serviceAccountIssuer, serviceAccountUserName } from './serviceaccount-token.ts';
import type { KubernetesClaims } from './serviceaccount-token.ts';
import { TokenCache } from './token-cache.ts';
import { freezeUser, groupAuthenticated, groupServiceAccounts } from './user.ts';
import type { UserInfo } from './user.ts';

/** Finds a live object's uid; undefined when it no longer exists. */
export type UidLookup = (namespace: string, name: string) => Promise<{ uid: string } | undefined>;

export interface ServiceAccountAuthenticatorOptions {
  /** Public keys (SPKI PEM or KeyObject) whose signatures are accepted; several during rotation. */
  publicKeys: (string | KeyObject)[];
  /** Finds the ServiceAccount a token names. */
  lookupServiceAccount: UidLookup;
  /** Finds a bound Pod/Secret (namespace, name) or Node ('', name); without it bindings are not checked. */
  lookupBoundObject?: (
    kind: 'Pod' | 'Secret' | 'Node',
    namespace: string,
    name: string,
  ) => Promise<{ uid: string } | undefined>;
  /** Accepted issuer; serviceAccountIssuer unless told. */
  issuer?: string;
  /** Accepted audiences (a token must name at least one); [issuer] unless told. */
  audiences?: string[];
  /** Verified-token cache TTL in ms; 10 s unless told, 0 turns caching off. */
  cacheTtlMs?: number;
  /** Clock in ms; Date.now unless told. */
  now?: () => number;
}

const extraPodName = 'authentication.kubernetes.io/pod-name';
const extraPodUid = 'authentication.kubernetes.io/pod-uid';
const extraNodeName = 'authentication.kubernetes.io/node-name';
const extraNodeUid = 'authentication.kubernetes.io/node-uid';
const extraCredentialId = 'authentication.kubernetes.io/credential-id';

function readRef(v: unknown): { name: string; uid: string } | undefined {
  if (!isObject(v) || typeof v.name !== 'string' || typeof v.uid !== 'string') return undefined;
  return { name: v.name, uid: v.uid };
}

/** The kubernetes.io claim, or undefined when it is missing or malformed. */
function readClaims(payload: JWTPayload): KubernetesClaims | undefined {
  const raw = payload['kubernetes.io'];
  if (!isObject(raw) || typeof raw.namespace !== 'string') return undefined;
  const serviceaccount = readRef(raw.serviceaccount);
  if (!serviceaccount) return undefined;
  const claims: KubernetesClaims = { namespace: raw.namespace, serviceaccount };
  const pod = readRef(raw.pod);
  const secret = readRef(raw.secret);
  const node = readRef(raw.node);
  if (pod) claims.pod = pod;
  if (secret) claims.secret = secret;
  if (node) claims.node = node;
  return claims;
}

function toUser(claims: KubernetesClaims, jti: string | undefined): UserInfo {
  const ns = claims.namespace;
  const extra: Record<string, string[]> = {};
  if (claims.pod) {
    extra[extraPodName] = [claims.pod.name];
    extra[extraPodUid] = [claims.pod.uid];
  }
  if (claims.node) {
    extra[extraNodeName] = [claims.node.name];
    extra[extraNodeUid] = [claims.node.uid];
  }
  if (jti) extra[extraCredentialId] = [`JTI=${jti}`];
  const user: UserInfo = {
    name: serviceAccountUserName(ns, claims.serviceaccount.name),
    uid: claims.serviceaccount.uid,
    groups: [groupServiceAccounts, `${groupServiceAccounts}:${ns}`, groupAuthenticated],
  };
  if (Object.keys(extra).length > 0) user.extra = extra;
  return freezeUser(user);
}

/** Creates the service-account token authenticator. */
export function serviceAccountAuthenticator(opts: ServiceAccountAuthenticatorOptions): Authenticator {
  const issuer = opts.issuer ?? serviceAccountIssuer;
  const audiences = opts.audiences ?? [issuer];
  const now = opts.now ?? Date.now;
  const keys = opts.publicKeys.map((k) => {
    const key = typeof k === 'string' ? createPublicKey(k) : k;
    return { key, kid: keyIdOf(key) };
  });
  const cacheTtlMs = opts.cacheTtlMs ?? 10_000;
  const cache = new TokenCache<UserInfo>({ ttlMs: cacheTtlMs, now });

  async function verify(token: string): Promise<{ payload: JWTPayload }> {
    const { decodeProtectedHeader, jwtVerify } = jose();
    const { kid } = decodeProtectedHeader(token);
    const candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
    let lastError: unknown = new Error('no key matches the token');
    for (const { key } of candidates) {
      try {
        return await jwtVerify(token, key, {
          issuer,
          audience: audiences,
          algorithms: ['ES256'],
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'sub'],
        });
      } catch (err) {
        lastError = err;
        if ((err as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') break;
      }
    }
    throw rejectCredentials(`service account token: ${(lastError as Error).message}`);
  }

  async function checkLive(claims: KubernetesClaims): Promise<void> {
    const { namespace, serviceaccount } = claims;
    const sa = await opts.lookupServiceAccount(namespace, serviceaccount.name);
    if (!sa) throw rejectCredentials(`service account ${namespace}/${serviceaccount.name} has been deleted`);
    if (sa.uid !== serviceaccount.uid) {
      throw rejectCredentials(
        `service account ${namespace}/${serviceaccount.name} uid ${sa.uid} does not match the token's ${serviceaccount.uid}`,
      );
    }
    const lookup = opts.lookupBoundObject;
    if (!lookup) return;
    const bound: ['Pod' | 'Secret' | 'Node', string, { name: string; uid: string } | undefined][] = [
      ['Pod', namespace, claims.pod],
      ['Secret', namespace, claims.secret],
      ['Node', '', claims.node],
    ];
    for (const [kind, ns, ref] of bound) {
      if (!ref) continue;
      const live = await lookup(kind, ns, ref.name);
      if (!live || live.uid !== ref.uid) {
        throw rejectCredentials(`the ${kind} ${ref.name} the token is bound to no longer exists`);
      }
    }
  }

  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      const token = bearerToken(req);
      if (token === undefined) return undefined;
      const cached = cacheTtlMs > 0 ? cache.get(token) : undefined;
      if (cached) return cached;

      let unverified: JWTPayload;
      try {
        unverified = jose().decodeJwt(token);
      } catch {
        return undefined; // not a JWT: someone else's token
      }
      if (unverified.iss !== issuer) return undefined;

      const { payload } = await verify(token);
      const claims = readClaims(payload);
      if (!claims || payload.sub !== serviceAccountUserName(claims.namespace, claims.serviceaccount.name)) {
        throw rejectCredentials('service account token: malformed kubernetes.io claims');
      }
      await checkLive(claims);
      const user = toUser(claims, payload.jti);
      if (cacheTtlMs > 0) cache.set(token, user, (payload.exp ?? 0) * 1000);
      return user;
    },
  };
}
