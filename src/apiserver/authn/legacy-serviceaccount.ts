/**
 * Legacy service-account tokens: the JWTs the tokens controller writes into Secrets of type
 * kubernetes.io/service-account-token. They carry the pre-TokenRequest claim shape (issuer
 * `kubernetes/serviceaccount`, `kubernetes.io/serviceaccount/...` claims) and no expiry; instead
 * a token lives exactly as long as its Secret: it is accepted only while that Secret exists, is
 * not being deleted and still holds this very token, and while its ServiceAccount exists with the
 * uid the token names. Signature checks are cached; those liveness checks run on every request, so
 * deleting the Secret revokes the token at once.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTPayload } from 'jose';
import { rejectCredentials } from './authenticator.ts';
import type { Authenticator } from './authenticator.ts';
import { bearerToken } from './bearer.ts';
import { jose } from './jose-lib.ts';
import type { UidLookup } from './serviceaccount.ts';
import { keyIdOf, serviceAccountUserName } from './serviceaccount-token.ts';
import { TokenCache } from './token-cache.ts';
import { freezeUser, groupAuthenticated, groupServiceAccounts } from './user.ts';
import type { UserInfo } from './user.ts';

/** The issuer legacy tokens carry (Kubernetes' fixed value for them). */
export const legacyServiceAccountIssuer = 'kubernetes/serviceaccount';

const claimNamespace = 'kubernetes.io/serviceaccount/namespace';
const claimSecretName = 'kubernetes.io/serviceaccount/secret.name';
const claimSaName = 'kubernetes.io/serviceaccount/service-account.name';
const claimSaUid = 'kubernetes.io/serviceaccount/service-account.uid';

/** What a legacy token says about itself. */
export interface LegacyTokenClaims {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  secretName: string;
}

/** Signs a legacy token for `c` with the cluster's ES256 service-account key (PEM or KeyObject). */
export async function signLegacyServiceAccountToken(
  key: string | KeyObject,
  c: LegacyTokenClaims,
): Promise<string> {
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  return new (jose().SignJWT)({
    [claimNamespace]: c.namespace,
    [claimSecretName]: c.secretName,
    [claimSaName]: c.serviceAccountName,
    [claimSaUid]: c.serviceAccountUid,
  })
    .setProtectedHeader({ alg: 'ES256', kid: keyIdOf(createPublicKey(privateKey)) })
    .setIssuer(legacyServiceAccountIssuer)
    .setSubject(serviceAccountUserName(c.namespace, c.serviceAccountName))
    .sign(privateKey);
}

/** The state of a token Secret the authenticator checks (undefined: it does not exist). */
export interface LegacySecretState {
  /** data.token, decoded. */
  token?: string;
  deleting: boolean;
}

export interface LegacyServiceAccountAuthenticatorOptions {
  publicKeys: (string | KeyObject)[];
  lookupServiceAccount: UidLookup;
  lookupSecret: (namespace: string, name: string) => Promise<LegacySecretState | undefined>;
  /** How long a verified signature is remembered (ms); 60 s unless told, 0 turns caching off. */
  cacheTtlMs?: number;
  now?: () => number;
}

function readClaims(p: JWTPayload): LegacyTokenClaims | undefined {
  const get = (k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  const namespace = get(claimNamespace);
  const serviceAccountName = get(claimSaName);
  const serviceAccountUid = get(claimSaUid);
  const secretName = get(claimSecretName);
  if (!namespace || !serviceAccountName || !serviceAccountUid || !secretName) return undefined;
  return { namespace, serviceAccountName, serviceAccountUid, secretName };
}

/** Creates the legacy service-account token authenticator. */
export function legacyServiceAccountAuthenticator(
  opts: LegacyServiceAccountAuthenticatorOptions,
): Authenticator {
  const keys = opts.publicKeys.map((k) => {
    const key = typeof k === 'string' ? createPublicKey(k) : k;
    return { key, kid: keyIdOf(key) };
  });
  const now = opts.now ?? Date.now;
  const cacheTtlMs = opts.cacheTtlMs ?? 60_000;
  const verified = new TokenCache<LegacyTokenClaims>({ ttlMs: cacheTtlMs, now });

  async function verify(token: string): Promise<LegacyTokenClaims> {
    const { decodeProtectedHeader, jwtVerify } = jose();
    const { kid } = decodeProtectedHeader(token);
    const candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
    let payload: JWTPayload | undefined;
    let lastError: unknown = new Error('no key matches the token');
    for (const { key } of candidates) {
      try {
        ({ payload } = await jwtVerify(token, key, {
          issuer: legacyServiceAccountIssuer,
          algorithms: ['ES256'],
          currentDate: new Date(now()),
          requiredClaims: ['sub'],
        }));
        break;
      } catch (err) {
        lastError = err;
      }
    }
    if (!payload) throw rejectCredentials(`legacy service account token: ${(lastError as Error).message}`);
    const claims = readClaims(payload);
    if (!claims || payload.sub !== serviceAccountUserName(claims.namespace, claims.serviceAccountName))
      throw rejectCredentials('legacy service account token: malformed claims');
    return claims;
  }

  async function checkLive(token: string, c: LegacyTokenClaims): Promise<void> {
    const secret = await opts.lookupSecret(c.namespace, c.secretName);
    if (!secret || secret.deleting)
      throw rejectCredentials(`the token Secret ${c.namespace}/${c.secretName} no longer exists`);
    if (secret.token !== token)
      throw rejectCredentials(`the token Secret ${c.namespace}/${c.secretName} holds a different token`);
    const sa = await opts.lookupServiceAccount(c.namespace, c.serviceAccountName);
    if (!sa || sa.uid !== c.serviceAccountUid)
      throw rejectCredentials(`service account ${c.namespace}/${c.serviceAccountName} has been deleted`);
  }

  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      const token = bearerToken(req);
      if (token === undefined) return undefined;
      let claims = cacheTtlMs > 0 ? verified.get(token) : undefined;
      if (!claims) {
        try {
          if (jose().decodeJwt(token).iss !== legacyServiceAccountIssuer) return undefined;
        } catch {
          return undefined; // not a JWT: someone else's token
        }
        claims = await verify(token);
        if (cacheTtlMs > 0) verified.set(token, claims, now() + cacheTtlMs);
      }
      await checkLive(token, claims);
      return freezeUser({
        name: serviceAccountUserName(claims.namespace, claims.serviceAccountName),
        uid: claims.serviceAccountUid,
        groups: [groupServiceAccounts, `${groupServiceAccounts}:${claims.namespace}`, groupAuthenticated],
      });
    },
  };
}
