/**
 * Getting a container's image onto the node per imagePullPolicy:
 * - Never: it must be present (else ErrImageNeverPull);
 * - IfNotPresent: pulled only when missing;
 * - Always: pulled every time a container starts (cheap when nothing changed).
 * The default is Always for `:latest` or an untagged image, IfNotPresent otherwise. A failed pull
 * shows ErrImagePull with the registry's message; further attempts wait with exponential backoff
 * (ImagePullBackOff). Credentials come from the pod's imagePullSecrets (dockerconfigjson/dockercfg).
 */
import type { ImageService } from '../cri/service.ts';
import type { AuthConfig } from '../cri/types.ts';
import { CriError } from '../cri/errors.ts';
import type { Backoff } from './backoff.ts';
import type { ConfigSource } from './config-source.ts';
import type { RContainer, RPod } from './types.ts';

export type ImageResult = { ok: true; image: string } | { ok: false; reason: string; message: string };

/** The effective pull policy of a container. */
export function pullPolicy(c: RContainer): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The registry host of an image reference (docker.io when it names none). */
export function registryHost(image: string): string {
  const first = image.split('/')[0] ?? '';
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return first;
  return 'docker.io';
}

const dockerHubKeys = ['docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io'];

/** Credentials for `image` from dockerconfigjson (or legacy dockercfg) secrets, if any match. */
export function authFor(
  image: string,
  secrets: Array<{ data: Record<string, Buffer> }>,
): AuthConfig | undefined {
  const host = registryHost(image);
  for (const s of secrets) {
    const raw = s.data['.dockerconfigjson'] ?? s.data['.dockercfg'];
    if (!raw) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      continue;
    }
    const auths = ((parsed as { auths?: unknown }).auths ?? parsed) as Record<string, Record<string, string>>;
    for (const [key, entry] of Object.entries(auths ?? {})) {
      const k = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      const match = k === host || (host === 'docker.io' && dockerHubKeys.some((d) => key === d || k === d));
      if (!match || typeof entry !== 'object') continue;
      const auth: AuthConfig = { server_address: host };
      if (entry.username) auth.username = entry.username;
      if (entry.password) auth.password = entry.password;
      if (entry.auth) auth.auth = entry.auth;
      if (entry.identitytoken) auth.identity_token = entry.identitytoken;
      return auth;
    }
  }
  return undefined;
}

/** Pulls images for containers, with per-image backoff. */
export class ImagePuller {
  private readonly cri: ImageService;
  private readonly backoff: Backoff;
  private readonly configs: ConfigSource;
  private readonly now: () => number;
  private readonly lastError = new Map<string, { at: number; message: string }>();

  constructor(cri: ImageService, backoff: Backoff, configs: ConfigSource, now: () => number) {
    this.cri = cri;
    this.backoff = backoff;
    this.configs = configs;
    this.now = now;
  }

  /** Makes sure the container's image is present; says why not when it is not. */
  async ensure(pod: RPod, c: RContainer): Promise<ImageResult> {
    const image = c.image ?? '';
    if (!image) return { ok: false, reason: 'InvalidImageName', message: 'container has no image' };
    const policy = pullPolicy(c);
    const present = policy === 'Always' ? null : await this.cri.imageStatus(image);
    if (policy === 'Never')
      return present
        ? { ok: true, image }
        : {
            ok: false,
            reason: 'ErrImageNeverPull',
            message: `Container image "${image}" is not present with pull policy of Never`,
          };
    if (present) return { ok: true, image };
    const key = `${pod.metadata.uid ?? ''}/${image}`;
    const last = this.lastError.get(key);
    if (last && this.backoff.remaining(key, last.at) > 0)
      return {
        ok: false,
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "${image}": ErrImagePull: ${last.message}`,
      };
    try {
      await this.cri.pullImage(image, await this.auth(pod, image));
      this.backoff.forget(key);
      this.lastError.delete(key);
      return { ok: true, image };
    } catch (err) {
      const message = `failed to pull and unpack image "${image}": ${err instanceof CriError ? err.details : String(err)}`;
      const at = this.now();
      this.backoff.next(key, at);
      this.lastError.set(key, { at, message });
      return { ok: false, reason: 'ErrImagePull', message };
    }
  }

  /** When the pull backoff of the pod's image ends (ms from now), or 0. */
  retryIn(pod: RPod, image: string): number {
    const key = `${pod.metadata.uid ?? ''}/${image}`;
    const last = this.lastError.get(key);
    return last ? this.backoff.remaining(key, last.at) : 0;
  }

  forgetPod(uid: string): void {
    this.backoff.forgetPrefix(`${uid}/`);
    for (const k of this.lastError.keys()) if (k.startsWith(`${uid}/`)) this.lastError.delete(k);
  }

  private async auth(pod: RPod, image: string): Promise<AuthConfig | undefined> {
    const ns = pod.metadata.namespace ?? '';
    const secrets = [];
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      try {
        const s = await this.configs.secret(ns, ref.name);
        if (s) secrets.push(s);
      } catch {
        // An unreadable pull secret is skipped, as kubelet does; the pull may still work anonymously.
      }
    }
    return authFor(image, secrets);
  }
}
