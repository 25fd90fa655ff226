/**
 * `--push [HOST:PORT/]NAMESPACE` for the image builders (build.ts, redis.ts): after building, each
 * OCI layout is pushed to Berth's image repository with `berth image push` (src/cli/image.ts), as
 * NAMESPACE/NAME:TAG after the image's own reference (berth.local/redis:bookworm → NAMESPACE/redis:bookworm).
 * Without a host the registry is --registry (default 127.0.0.1:5000, what `berth up` serves). The
 * registry flags of `berth image push` pass through: --registry, --data-dir, --username,
 * --password-file, --ca-file, --insecure-skip-tls-verify, --plain-http.
 */
import { runImagePush, type ImagePushFlags } from '../src/cli/image.ts';

/** What `--push` asks for: the target prefix and the push flags; undefined without `--push`. */
export interface PushRequest {
  target: string;
  flags: ImagePushFlags;
}

const VALUE_FLAGS: Record<string, keyof ImagePushFlags> = {
  '--registry': 'registry',
  '--data-dir': 'dataDir',
  '--username': 'username',
  '--password-file': 'passwordFile',
  '--ca-file': 'caFile',
};

/** Reads `--push` and the registry flags from a builder's arguments. */
export function parsePushArgs(args: readonly string[]): PushRequest | undefined {
  const at = args.indexOf('--push');
  if (at < 0) return undefined;
  const target = args[at + 1];
  if (!target || target.startsWith('--')) throw new Error('--push needs [HOST:PORT/]NAMESPACE');
  const flags: ImagePushFlags = { quiet: true };
  for (const [flag, key] of Object.entries(VALUE_FLAGS)) {
    const i = args.indexOf(flag);
    const value = i >= 0 ? args[i + 1] : undefined;
    if (i >= 0 && (!value || value.startsWith('--'))) throw new Error(`${flag} needs a value`);
    if (value !== undefined) (flags as Record<string, unknown>)[key] = value;
  }
  if (args.includes('--plain-http')) flags.plainHttp = true;
  if (args.includes('--insecure-skip-tls-verify')) flags.insecureSkipTlsVerify = true;
  return { target: target.replace(/\/+$/, ''), flags };
}

/** The reference an image is pushed as: `target` + the last name component and tag of `ref`. */
export function pushedRef(target: string, ref: string): string {
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  return `${target}/${name.includes(':') ? name : `${name}:latest`}`;
}

/** Pushes each built image (its OCI layout `dir`) as pushedRef(target, ref). */
export async function pushBuilt(images: { ref: string; dir: string }[], req: PushRequest): Promise<void> {
  for (const image of images) await runImagePush(image.dir, pushedRef(req.target, image.ref), req.flags);
}
