/**
 * A real server image for tests: redis-server and redis-cli from the host's Debian release, built
 * from the .deb files of redis-server and its libraries (see debian-packages.ts) into one layer,
 * cached under `<cacheDir>/redis` keyed by the package versions, so only the first build downloads
 * (about 6 MB) and later calls return in well under a second.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { defaultImageCacheDir, ensureLayout } from './local-images.ts';
import type { BuiltImage } from './oci-layout.ts';
import {
  debianRecipe,
  packagesStamp,
  resolvePackagesCached,
  type DebianImageSpec,
  type DebianPackage,
} from './debian-packages.ts';

/** Under Berth's made-up registry host, so it never shadows (or is mistaken for) Docker Hub's redis. */
export const REDIS_REF = 'berth.local/redis:bookworm';

/** Bumped whenever the spec below changes what is built, so cached layouts are rebuilt. */
export const REDIS_RECIPE_VERSION = '1';

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** redis-server + redis-tools and their libraries; maintainer-script and init packages left out. */
export const redisSpec: DebianImageSpec = {
  ref: REDIS_REF,
  packages: ['redis-server'],
  exclude: ['adduser', 'lsb-base', 'init-system-helpers', 'debconf', 'sysvinit-utils'],
  drop: ['usr/share/doc', 'usr/share/man', 'usr/share/lintian', 'usr/share/info', 'usr/share/bug'],
  extra: [
    { type: 'dir', path: 'etc' },
    {
      type: 'file',
      path: 'etc/passwd',
      data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nredis:x:999:999:redis:/data:/bin/false\n'),
    },
    { type: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\nredis:x:999:\n') },
    { type: 'dir', path: 'data' },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'proc' },
    { type: 'dir', path: 'sys' },
    { type: 'dir', path: 'dev' },
  ],
  config: {
    // Without a config file redis listens on all addresses; protected mode would refuse other pods.
    Cmd: ['redis-server', '--protected-mode', 'no'],
    Env: [PATH_ENV],
    WorkingDir: '/data',
    ExposedPorts: { '6379/tcp': {} },
  },
};

export interface EnsureRedisImageOptions {
  /** Cache directory (default: the one for pause and busybox, see defaultImageCacheDir). */
  cacheDir?: string;
  /** Rebuild even when the cache is current. */
  force?: boolean;
  /** mtime of every file and the config's created time (default: $SOURCE_DATE_EPOCH, else 0). */
  epoch?: number;
}

/** The built redis image and the exact packages in it. */
export interface RedisImage extends BuiltImage {
  packages: DebianPackage[];
}

/**
 * Makes sure `<cacheDir>/redis` holds the redis image for the host's current package candidates
 * and returns it. Throws PackageSourceError when apt cannot resolve or download the packages.
 */
export function ensureRedisImage(opts: EnsureRedisImageOptions = {}): RedisImage {
  const cacheDir = opts.cacheDir ?? defaultImageCacheDir();
  const epoch = opts.epoch ?? (Number(process.env.SOURCE_DATE_EPOCH) || 0);
  mkdirSync(cacheDir, { recursive: true });
  const packages = resolvePackagesCached(
    redisSpec.packages,
    redisSpec.exclude,
    join(cacheDir, 'redis-packages.json'),
  );
  const stamp = packagesStamp(packages, REDIS_RECIPE_VERSION, epoch);
  const image = ensureLayout(join(cacheDir, 'redis'), stamp, opts.force, () =>
    debianRecipe(redisSpec, packages, epoch),
  );
  return { ...image, packages };
}
