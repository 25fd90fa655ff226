/**
 * The registry's tokens: short-lived ES256 JWTs in the shape Docker's token specification gives
 * (iss, sub, aud = the service, exp, nbf, iat, jti, and an `access` claim listing the granted
 * `{type, name, actions}`), signed with a key generated on first use and kept (mode 0600) in the
 * registry's directory. Refresh tokens (for clients using the OAuth2 POST flow with
 * `access_type=offline`) are JWTs of the same key marked `berth.io/use: refresh`, carrying no access;
 * an access token is never accepted as a refresh token or the other way round.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { jwtVerify, SignJWT } from 'jose';
import type { Access } from '../auth.ts';
import { parseScope } from './scope.ts';

/** Default life of an access token (Docker clients fetch a new one when it lapses). */
export const ACCESS_TOKEN_TTL_S = 300;
/** Default life of a refresh token. */
export const REFRESH_TOKEN_TTL_S = 7 * 24 * 3600;

/** A verified access token. `subject` is '' for an anonymous token. */
export interface VerifiedToken {
  subject: string;
  access: Access[];
  expiresAt: number;
}

/** An issued token and its timing, as the token endpoint reports it. */
export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: string;
}

const USE_CLAIM = 'berth.io/use';
/** Verified access tokens remembered at most (the map is simply emptied when full). */
const VERIFIED_CACHE_SIZE = 4096;

/** Signs and verifies the registry's tokens. */
export class TokenIssuer {
  readonly issuer: string;
  readonly service: string;
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;
  private readonly now: () => number;
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(opts: { privateKey: KeyObject; issuer: string; service: string; now?: () => number }) {
    this.key = opts.privateKey;
    this.publicKey = createPublicKey(opts.privateKey);
    this.kid = createHash('sha256')
      .update(this.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64url')
      .slice(0, 32);
    this.issuer = opts.issuer;
    this.service = opts.service;
    this.now = opts.now ?? Date.now;
  }

  /** Loads the PKCS#8 key at `path`, creating one (ES256, mode 0600) when there is none. */
  static async load(
    path: string,
    opts: { issuer: string; service: string; now?: () => number },
  ): Promise<TokenIssuer> {
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      // 'wx': if another process created it meanwhile, fail and read theirs.
      await writeFile(path, pem, { mode: 0o600, flag: 'wx' }).catch(async (e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        pem = await readFile(path, 'utf8');
      });
    }
    return new TokenIssuer({ privateKey: createPrivateKey(pem), ...opts });
  }

  private sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setAudience(this.service)
      .setIssuedAt(iat)
      .setNotBefore(iat - 5)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** An access token for `subject` ('' = anonymous) granting exactly `access`. */
  async issue(
    subject: string,
    access: readonly Access[],
    ttlSeconds = ACCESS_TOKEN_TTL_S,
  ): Promise<IssuedToken> {
    const token = await this.sign({ access }, subject, ttlSeconds);
    return { token, expiresIn: ttlSeconds, issuedAt: new Date(this.now()).toISOString() };
  }

  /** A refresh token for `subject` (it grants nothing by itself; the account is re-checked on use). */
  issueRefresh(subject: string, ttlSeconds = REFRESH_TOKEN_TTL_S): Promise<string> {
    return this.sign({ [USE_CLAIM]: 'refresh' }, subject, ttlSeconds);
  }

  private async claims(token: string): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, this.publicKey, {
      issuer: this.issuer,
      audience: this.service,
      algorithms: ['ES256'],
      currentDate: new Date(this.now()),
    });
    return payload as Record<string, unknown>;
  }

  /**
   * Verifies an access token: signature, issuer, audience, time, shape. Rejects otherwise. A token
   * verified once is remembered until it expires (clients send the same token on every request of
   * a pull, and an ES256 verification costs far more than the rest of a manifest GET).
   */
  async verify(token: string): Promise<VerifiedToken> {
    const seen = this.verified.get(token);
    if (seen && seen.expiresAt > this.now()) return seen;
    const v = await this.verifyUncached(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(token, v);
    return v;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const c = await this.claims(token);
    if (c[USE_CLAIM] !== undefined) throw new Error('a refresh token is not an access token');
    if (!Array.isArray(c.access)) throw new Error('token has no access claim');
    const access: Access[] = [];
    for (const raw of c.access as unknown[]) {
      const a = raw as Partial<Access> | null;
      if (!a || typeof a.type !== 'string' || typeof a.name !== 'string' || !Array.isArray(a.actions))
        continue;
      const parsed = parseScope(`${a.type}:${a.name}:${a.actions.join(',')}`);
      if (parsed) access.push(parsed);
    }
    return { subject: String(c.sub ?? ''), access, expiresAt: Number(c.exp) * 1000 };
  }

  /** Verifies a refresh token and returns its subject. Rejects otherwise. */
  async verifyRefresh(token: string): Promise<string> {
    const c = await this.claims(token);
    if (c[USE_CLAIM] !== 'refresh' || typeof c.sub !== 'string' || c.sub === '')
      throw new Error('not a refresh token');
    return c.sub;
  }
}
