/**
 * Bootstrap tokens, the way kubeadm joins nodes: a token `<id>.<secret>` (6 and 16 characters of
 * [a-z0-9]) lives in the kube-system Secret `bootstrap-token-<id>` of type
 * bootstrap.kubernetes.io/token. A bearer token of that shape authenticates as
 * `system:bootstrap:<id>` in group system:bootstrappers (plus the Secret's auth-extra-groups) while the
 * Secret exists, allows authentication, and has not expired. Secrets are compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import { rejectCredentials, type Authenticator } from './authenticator.ts';
import { bearerToken } from './bearer.ts';
import { freezeUser, withAuthenticatedGroup, type UserInfo } from './user.ts';

export const bootstrapTokenSecretType = 'bootstrap.kubernetes.io/token';
export const bootstrapTokenSecretPrefix = 'bootstrap-token-';
export const bootstrapTokenNamespace = 'kube-system';
export const bootstrapUserPrefix = 'system:bootstrap:';
export const groupBootstrappers = 'system:bootstrappers';
/** The extra group `berth token create` gives node join tokens (kubeadm's default-node-token, renamed). */
export const defaultNodeTokenGroup = 'system:bootstrappers:berth:default-node-token';

const tokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/** Splits a token into id and secret, or undefined when it does not have the bootstrap shape. */
export function parseBootstrapToken(token: string): { id: string; secret: string } | undefined {
  const m = tokenPattern.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** What the authenticator reads from a token Secret (decoded from base64). */
export interface BootstrapTokenSecret {
  data: Record<string, string>;
  type?: string;
  deleting: boolean;
}

/** Decodes a Secret object into the shape the authenticator reads. */
export function bootstrapSecretFrom(secret: KubeObject): BootstrapTokenSecret {
  const raw = (secret.data ?? {}) as Record<string, unknown>;
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw))
    if (typeof v === 'string') data[k] = Buffer.from(v, 'base64').toString('utf8');
  return {
    data,
    type: typeof secret.type === 'string' ? secret.type : undefined,
    deleting: !!secret.metadata.deletionTimestamp,
  };
}

export interface BootstrapTokenOptions {
  /** Reads kube-system/bootstrap-token-<id>; undefined when it does not exist. */
  lookupSecret(name: string): Promise<BootstrapTokenSecret | undefined>;
  now?: () => number;
}

/**
 * Why a token Secret does not authenticate `secret` right now, or undefined when it does. Shared by
 * the authenticator and by tests; the reason goes only to the server log.
 */
export function bootstrapTokenProblem(
  s: BootstrapTokenSecret,
  id: string,
  secret: string,
  now: number,
): string | undefined {
  if (s.deleting) return 'token Secret is being deleted';
  if (s.type !== bootstrapTokenSecretType) return `token Secret has type ${JSON.stringify(s.type)}`;
  if (s.data['token-id'] !== id) return 'token Secret token-id does not match its name';
  const want = Buffer.from(s.data['token-secret'] ?? '');
  const got = Buffer.from(secret);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'token secret does not match';
  if (s.data['usage-bootstrap-authentication'] !== 'true') return 'token is not marked for authentication';
  const exp = s.data.expiration;
  if (exp !== undefined) {
    const at = Date.parse(exp);
    if (Number.isNaN(at)) return `token expiration ${JSON.stringify(exp)} is not a time`;
    if (at <= now) return `token expired at ${exp}`;
  }
  return undefined;
}

/** The extra groups a token Secret names; only groups under system:bootstrappers: are honoured. */
export function extraGroups(s: BootstrapTokenSecret): string[] {
  return (s.data['auth-extra-groups'] ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g.startsWith(groupBootstrappers + ':'));
}

/**
 * Authenticates bootstrap tokens. A bearer token of another shape, or whose Secret does not exist,
 * resolves undefined (another authenticator may know it); a known id with a wrong secret, expired
 * or unusable Secret is refused with 401.
 */
export function bootstrapTokenAuthenticator(o: BootstrapTokenOptions): Authenticator {
  const now = o.now ?? Date.now;
  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      const token = bearerToken(req);
      const parsed = token === undefined ? undefined : parseBootstrapToken(token);
      if (!parsed) return undefined;
      const s = await o.lookupSecret(bootstrapTokenSecretPrefix + parsed.id);
      if (!s) return undefined;
      const problem = bootstrapTokenProblem(s, parsed.id, parsed.secret, now());
      if (problem) throw rejectCredentials(`bootstrap token ${parsed.id}: ${problem}`);
      return freezeUser({
        name: bootstrapUserPrefix + parsed.id,
        groups: withAuthenticatedGroup([groupBootstrappers, ...extraGroups(s)]),
      });
    },
  };
}
