/**
 * Getting a container's image onto the node per imagePullPolicy:
 * - Never: it must be present (else ErrImageNeverPull);
 * - IfNotPresent: pulled only when missing;
 * - Always: pulled every time a container starts (cheap when nothing changed).
 * The default is Always for `:latest` or an untagged image, IfNotPresent otherwise. A failed pull
 * shows ErrImagePull with the registry's message; further attempts wait with exponential backoff
 * (ImagePullBackOff). Credentials come from the pod's imagePullSecrets and its ServiceAccount's
 * (dockerconfigjson/dockercfg), matched to the image as pull-secrets.ts describes.
 */
import type { ImageService } from '../cri/service.ts';
import { CriError } from '../cri/errors.ts';
import type { Backoff } from './backoff.ts';
import type { ConfigSource } from './config-source.ts';
import { credentialsFor, podPullSecrets, type ServiceAccountPullSecrets } from './pull-secrets.ts';
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

export { authFor, registryHost } from './pull-secrets.ts';

/** Pulls images for containers, with per-image backoff. */
export class ImagePuller {
  private readonly cri: ImageService;
  private readonly backoff: Backoff;
  private readonly configs: ConfigSource;
  private readonly now: () => number;
  private readonly serviceAccount: ServiceAccountPullSecrets | undefined;
  private readonly lastError = new Map<string, { at: number; message: string }>();

  /** `serviceAccount` adds the pull secrets of the pod's ServiceAccount (see pull-secrets.ts). */
  constructor(
    cri: ImageService,
    backoff: Backoff,
    configs: ConfigSource,
    now: () => number,
    serviceAccount?: ServiceAccountPullSecrets,
  ) {
    this.cri = cri;
    this.backoff = backoff;
    this.configs = configs;
    this.now = now;
    this.serviceAccount = serviceAccount;
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
      await this.pull(pod, image);
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

  /** Pulls with each matching credential in turn (anonymously when none); the last error wins. */
  private async pull(pod: RPod, image: string): Promise<void> {
    const creds = credentialsFor(image, await podPullSecrets(pod, this.configs, this.serviceAccount));
    if (!creds.length) {
      await this.cri.pullImage(image);
      return;
    }
    let last: unknown;
    for (const auth of creds) {
      try {
        await this.cri.pullImage(image, auth);
        return;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
}
