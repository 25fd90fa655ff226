/**
 * Images made from Debian packages without debootstrap or a chroot: the dependency closure of a few
 * root packages is resolved with the host's apt (`apt-cache show`, candidate versions, first
 * alternative of each dependency), the exact versions are fetched with `apt-get download` and only
 * their files are unpacked (`dpkg-deb -x`) into a small root filesystem — no maintainer scripts, no
 * dpkg database, no docs. Packages needed only by maintainer scripts or init systems (adduser,
 * lsb-base, …) are cut from the closure by name. Same package versions + same recipe = same digest.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageProcessConfig, ImageRecipe } from './oci-layout.ts';
import type { TarEntry } from './tar.ts';

/** A package at the exact version the image is built from. */
export interface DebianPackage {
  name: string;
  version: string;
}

/** What to build: the root packages, what to leave out, and the image around them. */
export interface DebianImageSpec {
  ref: string;
  /** Root packages; their Depends and Pre-Depends are followed. */
  packages: string[];
  /** Packages (and so their own dependencies) left out of the closure. */
  exclude: string[];
  /** Path prefixes dropped from the root filesystem (docs, man pages, …). */
  drop: string[];
  /** Files and directories added on top (they win over package files of the same path). */
  extra: TarEntry[];
  config: ImageProcessConfig;
}

/** The host cannot give us the packages: no apt, no package lists, or the mirror does not answer. */
export class PackageSourceError extends Error {}

/**
 * Why Debian images cannot be built here (one line with the fix), or undefined when they can. Cheap:
 * checks the tools and that apt has package lists; a package apt cannot resolve or download later
 * throws PackageSourceError.
 */
export function debianImagePreflight(lists = '/var/lib/apt/lists'): string | undefined {
  for (const tool of ['apt-cache', 'apt-get', 'dpkg-deb']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error)
      return `${tool} not found: Debian images need apt and dpkg`;
  }
  let names: string[] = [];
  try {
    names = readdirSync(lists);
  } catch {
    // no lists directory: reported below
  }
  if (!names.some((n) => n.includes('_Packages')))
    return `apt has no package lists in ${lists}: run apt-get update (with a Debian mirror in /etc/apt/sources.list*)`;
  return undefined;
}

/** Parses apt-cache show stanzas into name → {version, deps (first alternative, no arch/version)}. */
export function parseStanzas(text: string): Map<string, { version: string; deps: string[] }> {
  const out = new Map<string, { version: string; deps: string[] }>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string | undefined =>
      new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1]?.trim();
    const pkg = field('Package');
    const version = field('Version');
    if (!pkg || !version || out.has(pkg)) continue;
    const deps: string[] = [];
    for (const f of [field('Pre-Depends'), field('Depends')]) {
      for (const group of (f ?? '').split(',')) {
        const first = group.split('|')[0].trim().split(/[\s(]/)[0].replace(/:.*$/, '');
        if (first) deps.push(first);
      }
    }
    out.set(pkg, { version, deps });
  }
  return out;
}

/**
 * The dependency closure of `roots` minus `exclude`, with candidate versions, sorted by name. One
 * `apt-cache show` per level of the graph, sharing a scratch package cache (hosts configured like
 * Debian's container images disable apt's own, and parsing every list costs seconds per call).
 */
export function resolvePackages(roots: string[], exclude: string[]): DebianPackage[] {
  const skip = new Set(exclude);
  const found = new Map<string, string>();
  let wave = roots.filter((p) => !skip.has(p));
  const scratch = mkdtempSync(join(tmpdir(), 'berth-aptcache-'));
  const aptCache = [
    '-o',
    `Dir::Cache::pkgcache=${join(scratch, 'pkgcache.bin')}`,
    '-o',
    `Dir::Cache::srcpkgcache=${join(scratch, 'srcpkgcache.bin')}`,
  ];
  try {
    while (wave.length) wave = resolveWave(wave, aptCache, skip, found);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return [...found].map(([name, version]) => ({ name, version })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Records the candidates of `wave` in `found` and returns the next level's package names. */
function resolveWave(
  wave: string[],
  aptCache: string[],
  skip: Set<string>,
  found: Map<string, string>,
): string[] {
  const r = spawnSync('apt-cache', [...aptCache, 'show', '--no-all-versions', ...wave], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error || r.status !== 0)
    throw new PackageSourceError(
      `apt-cache show ${wave.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`,
    );
  const stanzas = parseStanzas(r.stdout);
  for (const name of wave) {
    const s = stanzas.get(name);
    if (!s) throw new PackageSourceError(`apt has no candidate for ${name}`);
    found.set(name, s.version);
  }
  const next = new Set<string>();
  for (const name of wave)
    for (const d of stanzas.get(name)!.deps) if (!skip.has(d) && !found.has(d)) next.add(d);
  return [...next].sort();
}

/**
 * resolvePackages, remembered in `file` for as long as apt's package lists and pins are unchanged
 * (same files, sizes and mtimes): candidates only move when `apt-get update` or a pin changes them.
 */
export function resolvePackagesCached(roots: string[], exclude: string[], file: string): DebianPackage[] {
  const h = createHash('sha256').update(`${roots.join(' ')}\0${exclude.join(' ')}\0`);
  for (const dir of ['/var/lib/apt/lists', '/etc/apt/preferences.d']) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      // no such directory: nothing to hash
    }
    for (const name of names) {
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      if (st?.isFile()) h.update(`${dir}/${name} ${st.size} ${st.mtimeMs}\n`);
    }
  }
  const key = h.digest('hex');
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; packages?: DebianPackage[] };
    if (saved.key === key && saved.packages) return saved.packages;
  } catch {
    // nothing saved yet (or unreadable): resolve below
  }
  const packages = resolvePackages(roots, exclude);
  writeFileSync(file, JSON.stringify({ key, packages }));
  return packages;
}

/** A hash of the packages and the recipe: the cache key of the built layout. */
export function packagesStamp(pkgs: DebianPackage[], recipeVersion: string, epoch: number): string {
  const h = createHash('sha256').update(`${recipeVersion}\0${process.arch}\0${epoch}\0`);
  for (const p of pkgs) h.update(`${p.name}=${p.version}\n`);
  return h.digest('hex');
}

/** Downloads the exact versions into `dir` (apt-get download) and returns the .deb paths. */
export function downloadPackages(pkgs: DebianPackage[], dir: string): string[] {
  const r = spawnSync('apt-get', ['download', '-q', ...pkgs.map((p) => `${p.name}=${p.version}`)], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0)
    throw new PackageSourceError(
      `apt-get download failed (is the Debian mirror reachable?): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`,
    );
  return readdirSync(dir)
    .filter((f) => f.endsWith('.deb'))
    .sort()
    .map((f) => join(dir, f));
}

/** Unpacks `debs` into a scratch directory and returns its tree as tar entries (without `drop`). */
export function unpackDebs(debs: string[], drop: string[]): TarEntry[] {
  const root = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  try {
    for (const deb of debs) {
      const r = spawnSync('dpkg-deb', ['-x', deb, root], { encoding: 'utf8' });
      if (r.error || r.status !== 0)
        throw new Error(`dpkg-deb -x ${deb}: ${(r.stderr || r.error?.message) ?? ''}`);
    }
    const entries: TarEntry[] = [];
    const walk = (rel: string): void => {
      for (const name of readdirSync(join(root, rel)).sort()) {
        const path = rel ? `${rel}/${name}` : name;
        if (drop.some((d) => path === d || path.startsWith(`${d}/`))) continue;
        const abs = join(root, path);
        const st = lstatSync(abs);
        const mode = st.mode & 0o7777;
        if (st.isDirectory()) {
          entries.push({ type: 'dir', path, mode });
          walk(path);
        } else if (st.isSymbolicLink()) entries.push({ type: 'symlink', path, target: readlinkSync(abs) });
        else if (st.isFile()) entries.push({ type: 'file', path, data: readFileSync(abs), mode });
      }
    };
    walk('');
    return entries;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Package entries with `extra` on top: an extra file replaces a package one, an extra dir is kept once. */
export function overlay(base: TarEntry[], extra: TarEntry[]): TarEntry[] {
  const byPath = new Map(base.map((e) => [e.path, e]));
  for (const e of extra) if (!(e.type === 'dir' && byPath.has(e.path))) byPath.set(e.path, e);
  return [...byPath.values()];
}

/** Builds the recipe for `spec` from already resolved packages (downloads into a scratch dir). */
export function debianRecipe(spec: DebianImageSpec, pkgs: DebianPackage[], epoch: number): ImageRecipe {
  const dl = mkdtempSync(join(tmpdir(), 'berth-debs-'));
  try {
    const entries = overlay(unpackDebs(downloadPackages(pkgs, dl), spec.drop), spec.extra);
    return {
      ref: spec.ref,
      entries,
      config: spec.config,
      epoch,
      createdBy: `berth images: Debian ${pkgs.map((p) => `${p.name}=${p.version}`).join(' ')}`,
    };
  } finally {
    rmSync(dl, { recursive: true, force: true });
  }
}
