/**
 * The two images every Berth node has without a registry, both built from Debian's busybox-static:
 * `busybox` (the binary and all its applet links: sh, httpd, nc, wget, …) and `pause` (the same
 * binary, entrypoint `sleep 2147483647`: the process that holds a pod sandbox's namespaces).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';
import type { ImageRecipe } from './oci-layout.ts';
import type { TarEntry } from './tar.ts';

/** Named like Docker Hub's busybox so `image: busybox:1.35` (IfNotPresent) runs offline. */
export const BUSYBOX_REF = 'docker.io/library/busybox:1.35';
/**
 * Berth's own name for its pause image: under a registry host that does not exist, so it can never
 * be mistaken for (or shadow) registry.k8s.io/pause, and a pull of it fails at once instead of
 * fetching something else.
 */
export const PAUSE_REF = 'berth.local/pause:1';

/** Bumped whenever a recipe's output changes, so cached layouts are rebuilt. */
export const RECIPE_VERSION = '1';

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MISSING = 'busybox-static not found: apt-get install busybox-static';

/** Path of a statically linked busybox, or a one-line error saying how to install it. */
export function findStaticBusybox(candidates = ['/usr/bin/busybox', '/bin/busybox']): string {
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    if (!isStaticElf(path)) throw new Error(`${path} is dynamically linked: apt-get install busybox-static`);
    return path;
  }
  throw new Error(MISSING);
}

/** A hash of everything the recipes read, to tell whether a cached layout is still current. */
export function recipeInputsHash(busybox: string): string {
  return createHash('sha256')
    .update(`${RECIPE_VERSION}\0${process.arch}\0`)
    .update(readFileSync(busybox))
    .digest('hex');
}

/** busybox: the binary at bin/busybox, one symlink per applet, a minimal /etc and /var/www. */
export function busyboxRecipe(busybox: string): ImageRecipe {
  const entries: TarEntry[] = [
    ...dirs([
      'bin',
      'sbin',
      'usr',
      'usr/bin',
      'usr/sbin',
      'etc',
      'var',
      'var/www',
      'home',
      'proc',
      'sys',
      'dev',
    ]),
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    { type: 'file', path: 'etc/passwd', data: Buffer.from(PASSWD) },
    { type: 'file', path: 'etc/group', data: Buffer.from(GROUP) },
    { type: 'file', path: 'var/www/index.html', data: Buffer.from('berth busybox\n') },
  ];
  for (const applet of appletPaths(busybox)) {
    if (applet === 'bin/busybox') continue;
    entries.push({
      type: 'symlink',
      path: applet,
      target: posix.relative(posix.dirname(applet), 'bin/busybox'),
    });
  }
  return {
    ref: BUSYBOX_REF,
    entries,
    config: { Cmd: ['sh'], Env: [PATH_ENV] },
    createdBy: 'berth images: busybox-static with applet links',
  };
}

/** pause: busybox and one link, `sleep 2147483647` (about 68 years) as its only process. */
export function pauseRecipe(busybox: string): ImageRecipe {
  return {
    ref: PAUSE_REF,
    entries: [
      ...dirs(['bin', 'proc', 'sys', 'dev', 'etc']),
      { type: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
      { type: 'symlink', path: 'bin/sleep', target: 'busybox' },
    ],
    config: { Entrypoint: ['/bin/sleep', '2147483647'], Env: [PATH_ENV] },
    createdBy: 'berth images: pause from busybox-static',
  };
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

function dirs(paths: string[]): TarEntry[] {
  return paths.map((path) => ({ type: 'dir', path }));
}

/** The applet install paths busybox reports (`bin/sh`, `usr/sbin/httpd`, …), sorted and unique. */
function appletPaths(busybox: string): string[] {
  const r = spawnSync(busybox, ['--list-full'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${busybox} --list-full failed: ${r.stderr || r.error?.message}`);
  const paths = r.stdout
    .split('\n')
    .map((l) => l.trim().replace(/^\/+/, ''))
    .filter((l) => l !== '');
  return [...new Set(paths)].sort();
}

/** True for an ELF executable without a PT_INTERP program header (no dynamic loader). */
export function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64 ? Number(le ? head.readBigUInt64LE(32) : head.readBigUInt64BE(32)) : u32(head, 28);
    const phentsize = u16(head, is64 ? 54 : 42);
    const phnum = u16(head, is64 ? 56 : 44);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === 3 /* PT_INTERP */) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}
