/**
 * Registry credentials for a pull, from a pod's imagePullSecrets (and those of its ServiceAccount):
 * `kubernetes.io/dockerconfigjson` Secrets (`.dockerconfigjson` = `{"auths": {KEY: ENTRY}}`) and
 * legacy `kubernetes.io/dockercfg` ones (`.dockercfg` = `{KEY: ENTRY}`). A KEY matches an image the
 * way kubelet's credential keyring matches it:
 *  - the key is read as a URL (scheme optional, ignored), giving host[:port] and a path;
 *  - the hosts are equal (a key host may use `*` for one DNS label, e.g. `*.example.com`), the ports
 *    are equal (none on both sides counts as equal), and the key's path is a prefix of the image's
 *    repository path at a `/` boundary;
 *  - `docker.io`, `index.docker.io`, `registry-1.docker.io` and `https://index.docker.io/v1/` all
 *    name Docker Hub, whose short names (`busybox`) mean `docker.io/library/busybox`.
 * More specific keys come first (longer host+path); kubelet tries each matching credential in turn.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { AuthConfig } from '../cri/types.ts';
import type { ConfigData, ConfigSource } from './config-source.ts';
import type { RPod } from './types.ts';

/** A Secret's data as the agent reads it (ConfigData from config-source). */
export type PullSecret = Pick<ConfigData, 'data'>;

/** Host names that mean Docker Hub; normalised to `docker.io`. */
const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** An image reference split into registry host[:port] and repository path (no tag/digest). */
export interface ImageLocation {
  host: string;
  path: string;
}

/** Where `image` lives: registry host (docker.io when it names none) and repository path. */
export function imageLocation(image: string): ImageLocation {
  let name = image.split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  const first = name.split('/')[0] ?? '';
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let host = hasHost ? first.toLowerCase() : 'docker.io';
  let path = hasHost ? name.slice(first.length + 1) : name;
  if (dockerHubHosts.has(host)) {
    host = 'docker.io';
    if (!path.includes('/')) path = `library/${path}`;
  }
  return { host, path };
}

/** The registry host of an image reference (docker.io when it names none). */
export function registryHost(image: string): string {
  return imageLocation(image).host;
}

interface ParsedKey {
  host: string;
  port: string;
  path: string;
  specificity: number;
}

/** A keyring key parsed as kubelet does; undefined when it cannot be a registry location. */
export function parseKey(key: string): ParsedKey | undefined {
  const k = key.trim();
  if (!k) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(k) ? k : `https://${k}`);
  } catch {
    return undefined;
  }
  let host = url.hostname.toLowerCase();
  let path = url.pathname.replace(/^\/+|\/+$/g, '');
  if (dockerHubHosts.has(host)) {
    host = 'docker.io';
    // The legacy Docker Hub key https://index.docker.io/v1/ names the whole registry.
    if (path === 'v1') path = '';
  }
  // URL drops the scheme's default port; an explicit :443 on a key still means "port 443".
  const explicitPort = /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/]*:(\d+)(?:\/|$)/i.exec(k)?.[1];
  const port = url.port || explicitPort || '';
  return { host, port, path, specificity: host.length + path.length };
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.split('.');
  const h = host.split('.');
  if (p.length !== h.length) return false;
  return p.every((label, i) => {
    if (!label.includes('*')) return label === h[i];
    const re = new RegExp(`^${label.split('*').map(escapeRe).join('[^.]*')}$`);
    return re.test(h[i] ?? '');
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a keyring key applies to an image location. */
export function keyMatches(key: string, loc: ImageLocation): boolean {
  const k = parseKey(key);
  if (!k) return false;
  const [imgHost = '', imgPort = ''] = loc.host.split(':');
  if (!hostMatches(k.host, imgHost) || k.port !== imgPort) return false;
  return !k.path || loc.path === k.path || loc.path.startsWith(`${k.path}/`);
}

interface DockerEntry {
  username?: unknown;
  password?: unknown;
  auth?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

/** The `{KEY: ENTRY}` map of a pull secret, or undefined when it is not one (or is malformed). */
export function dockerAuths(secret: PullSecret): Record<string, DockerEntry> | undefined {
  const json = secret.data['.dockerconfigjson'];
  const legacy = secret.data['.dockercfg'];
  const raw = json ?? legacy;
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  const auths = json ? (parsed as { auths?: unknown } | null)?.auths : parsed;
  if (!auths || typeof auths !== 'object' || Array.isArray(auths)) return undefined;
  return auths as Record<string, DockerEntry>;
}

function toAuthConfig(entry: DockerEntry, host: string): AuthConfig | undefined {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  let username = str(entry.username);
  let password = str(entry.password);
  const auth = str(entry.auth);
  if (auth && !username && !password) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      username = decoded.slice(0, i);
      password = decoded.slice(i + 1);
    }
  }
  const out: AuthConfig = { server_address: serverAddress(host) };
  if (username) out.username = username;
  if (password) out.password = password;
  if (auth) out.auth = auth;
  if (str(entry.identitytoken)) out.identity_token = str(entry.identitytoken);
  if (str(entry.registrytoken)) out.registry_token = str(entry.registrytoken);
  return out.username || out.auth || out.identity_token || out.registry_token ? out : undefined;
}

/**
 * The CRI server_address for a registry host. containerd parses it as a URL and uses the
 * credentials only when its host equals the host it pulls from (registry-1.docker.io for Docker Hub).
 */
export function serverAddress(host: string): string {
  return `https://${host === 'docker.io' ? 'registry-1.docker.io' : host}`;
}

/**
 * Every credential in `secrets` that applies to `image`, most specific key first (the order the
 * secrets are given breaks ties). Empty when none applies: the pull goes anonymous.
 */
export function credentialsFor(image: string, secrets: readonly PullSecret[]): AuthConfig[] {
  const loc = imageLocation(image);
  const found: Array<{ auth: AuthConfig; specificity: number; order: number }> = [];
  for (const s of secrets) {
    for (const [key, entry] of Object.entries(dockerAuths(s) ?? {})) {
      if (!entry || typeof entry !== 'object' || !keyMatches(key, loc)) continue;
      const auth = toAuthConfig(entry, loc.host);
      if (auth) found.push({ auth, specificity: parseKey(key)!.specificity, order: found.length });
    }
  }
  found.sort((a, b) => b.specificity - a.specificity || a.order - b.order);
  const seen = new Set<string>();
  return found
    .map((f) => f.auth)
    .filter((a) => {
      const id = JSON.stringify(a);
      return seen.has(id) ? false : (seen.add(id), true);
    });
}

/** The first (most specific) credential for `image`, if any. */
export function authFor(image: string, secrets: readonly PullSecret[]): AuthConfig | undefined {
  return credentialsFor(image, secrets)[0];
}

/** Reads a ServiceAccount's imagePullSecrets names (undefined when it cannot be read). */
export type ServiceAccountPullSecrets = (namespace: string, name: string) => Promise<string[] | undefined>;

/** ServiceAccount pull-secret names over the API, cached for `ttlMs` (default 10 s). */
export function apiServiceAccountPullSecrets(
  client: Client,
  clock: Clock,
  ttlMs = 10_000,
): ServiceAccountPullSecrets {
  const cache = new Map<string, { at: number; value: Promise<string[] | undefined> }>();
  return (ns, name) => {
    const key = `${ns}/${name}`;
    const hit = cache.get(key);
    if (hit && clock.now() - hit.at < ttlMs) return hit.value;
    const value = client
      .resource<KubeObject & { imagePullSecrets?: { name?: string }[] }>('', 'v1', 'serviceaccounts')
      .get(ns, name)
      .then((sa) => (sa.imagePullSecrets ?? []).map((r) => r.name ?? '').filter(Boolean))
      // Not found or not allowed: the pod's own secrets still apply.
      .catch(() => undefined);
    cache.set(key, { at: clock.now(), value });
    if (cache.size > 1024) cache.delete(cache.keys().next().value!);
    return value;
  };
}

/**
 * The pull secrets of a pod: those it names in spec.imagePullSecrets, then those of its
 * ServiceAccount (spec.serviceAccountName, default `default`) it does not name already. Secrets that
 * are missing or unreadable are skipped, as kubelet skips them: the pull may still work anonymously.
 */
export async function podPullSecrets(
  pod: RPod,
  configs: ConfigSource,
  serviceAccount?: ServiceAccountPullSecrets,
): Promise<PullSecret[]> {
  const ns = pod.metadata.namespace ?? '';
  const names = (pod.spec?.imagePullSecrets ?? []).map((r) => r.name ?? '').filter(Boolean);
  if (serviceAccount) {
    const sa = await serviceAccount(ns, pod.spec?.serviceAccountName || 'default');
    for (const n of sa ?? []) if (!names.includes(n)) names.push(n);
  }
  const out: PullSecret[] = [];
  for (const name of names) {
    try {
      const s = await configs.secret(ns, name);
      if (s) out.push(s);
    } catch {
      // unreadable: skipped (see above)
    }
  }
  return out;
}
