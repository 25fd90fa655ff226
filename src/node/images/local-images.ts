/**
 * The node's offline images: builds the pause and busybox OCI layouts into a cache directory (once;
 * later calls reuse them while busybox and the recipes are unchanged) and imports them into a
 * containerd under their fully qualified names, so a sandbox never needs a registry for its pause
 * image and tests can run `busybox:1.35` without the internet.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ociArchive, writeOciLayout } from './oci-layout.ts';
import type { BuiltImage, ImageRecipe } from './oci-layout.ts';
import { busyboxRecipe, findStaticBusybox, pauseRecipe, recipeInputsHash } from './recipes.ts';

export { BUSYBOX_REF, PAUSE_REF } from './recipes.ts';
export type { BuiltImage } from './oci-layout.ts';

/** The built images, by role. */
export interface LocalImages {
  pause: BuiltImage;
  busybox: BuiltImage;
}

export interface EnsureLocalImagesOptions {
  /** Cache directory (default: $BERTH_IMAGE_CACHE, else $XDG_CACHE_HOME/berth/images, else ~/.cache/…). */
  cacheDir?: string;
  /** busybox-static binary (default: found in /usr/bin or /bin; must be statically linked). */
  busybox?: string;
  /** Rebuild even when the cache is current. */
  force?: boolean;
}

/** The default cache directory for built image layouts. */
export function defaultImageCacheDir(): string {
  if (process.env.BERTH_IMAGE_CACHE) return process.env.BERTH_IMAGE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'berth', 'images');
}

/**
 * Makes sure `<cacheDir>/pause` and `<cacheDir>/busybox` hold current OCI layouts and returns their
 * digests. Throws a one-line error naming the package when busybox-static is missing.
 */
export function ensureLocalImages(opts: EnsureLocalImagesOptions = {}): LocalImages {
  const cacheDir = opts.cacheDir ?? defaultImageCacheDir();
  const busybox = opts.busybox ?? findStaticBusybox();
  const stamp = recipeInputsHash(busybox);
  mkdirSync(cacheDir, { recursive: true });
  return {
    pause: ensureLayout(join(cacheDir, 'pause'), stamp, opts.force, () => pauseRecipe(busybox)),
    busybox: ensureLayout(join(cacheDir, 'busybox'), stamp, opts.force, () => busyboxRecipe(busybox)),
  };
}

const STAMP_FILE = '.berth-build.json';

/**
 * The layout in `dir` when its saved stamp equals `stamp` (and not `force`); otherwise writes
 * `recipe()` there and saves the stamp. The stamp is whatever identifies the recipe's inputs.
 */
export function ensureLayout(
  dir: string,
  stamp: string,
  force: boolean | undefined,
  recipe: () => ImageRecipe,
): BuiltImage {
  const stampPath = join(dir, STAMP_FILE);
  if (!force && existsSync(stampPath)) {
    try {
      const saved = JSON.parse(readFileSync(stampPath, 'utf8')) as { stamp?: string; image?: BuiltImage };
      if (saved.stamp === stamp && saved.image) return { ...saved.image, dir };
    } catch {
      // An unreadable stamp means a half-written cache: rebuild below.
    }
  }
  const image = writeOciLayout(dir, recipe());
  writeFileSync(stampPath, JSON.stringify({ stamp, image }));
  return image;
}

export interface ImportImagesOptions {
  /** containerd's gRPC socket (a path or unix:// URL). */
  address: string;
  /** containerd namespace; the CRI plugin uses k8s.io (the default). */
  namespace?: string;
  /** The ctr binary (default `ctr` on PATH). */
  ctr?: string;
  /** Extra argv prefix, e.g. ['nsenter', '--net=/run/netns/m1'] to run ctr in a machine's namespace. */
  wrap?: string[];
}

/**
 * Imports each layout into containerd with `ctr images import` (unpacked for the default
 * snapshotter), under the name in its index (io.containerd.image.name). Importing an image that is
 * already there is harmless and cheap.
 */
export async function importImages(images: readonly BuiltImage[], opts: ImportImagesOptions): Promise<void> {
  const address = opts.address.replace(/^unix:\/\//, '');
  for (const image of images) {
    const argv = [
      ...(opts.wrap ?? []),
      opts.ctr ?? 'ctr',
      '-a',
      address,
      '-n',
      opts.namespace ?? 'k8s.io',
      'images',
      'import',
      '-',
    ];
    await runWithStdin(argv, ociArchive(image.dir), `import ${image.ref}`);
  }
}

function runWithStdin(argv: string[], input: Buffer, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) =>
      reject(
        new Error(
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${argv[0]} not found: apt-get install containerd`
            : `${what}: ${err.message}`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${what}: ctr exited ${code}: ${output.trim()}`)),
    );
    child.stdin.on('error', () => {}); // a ctr that fails early closes stdin; its exit code tells why
    child.stdin.end(input);
  });
}
