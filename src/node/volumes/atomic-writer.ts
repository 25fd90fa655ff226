/**
 * Writes a set of files into a volume directory so that a container never sees a half-updated
 * set: the files go into a fresh hidden directory `..<time>_<n>`, the symlink `..data` is switched
 * to it with one rename, and each visible top-level name is a symlink through `..data`. Readers
 * that open `dir/key` see either the old or the new payload. Writes only when something changed.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** One file of a payload: its bytes and permission bits. */
export interface PayloadFile {
  data: Buffer;
  mode: number;
}

/** Relative path → file. */
export type Payload = Map<string, PayloadFile>;

const dataLink = '..data';

/** Throws unless `p` is a relative path without `..` components that does not start with `..`. */
export function validatePayloadPath(p: string): void {
  if (!p || p.startsWith('/') || p.startsWith('..') || p.split('/').some((s) => s === '..' || s === ''))
    throw new Error(`invalid path ${JSON.stringify(p)} in volume payload`);
}

/** Writes `payload` into `dir` atomically; returns true when the directory changed. */
export function writeAtomic(dir: string, payload: Payload): boolean {
  for (const p of payload.keys()) validatePayloadPath(p);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const current = join(dir, dataLink);
  if (existsSync(current) && samePayload(current, payload) && sameVisible(dir, payload)) return false;
  const ts = `..${new Date().toISOString().replace(/[:.]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const fresh = join(dir, ts);
  mkdirSync(fresh, { mode: 0o755 });
  for (const [p, f] of payload) {
    const file = join(fresh, p);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, f.data, { mode: f.mode });
    chmodSync(file, f.mode);
  }
  let old: string | undefined;
  try {
    old = readlinkSync(current);
  } catch {
    old = undefined;
  }
  const tmp = join(dir, `${dataLink}_tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(ts, tmp);
  renameSync(tmp, current);
  const tops = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const top of tops) {
    const link = join(dir, top);
    const want = join(dataLink, top);
    let have: string | undefined;
    try {
      have = readlinkSync(link);
    } catch {
      have = undefined;
    }
    if (have === want) continue;
    rmSync(link, { recursive: true, force: true });
    symlinkSync(want, link);
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..') || tops.has(name)) continue;
    if (lstatSync(join(dir, name)).isSymbolicLink()) unlinkSync(join(dir, name));
  }
  if (old && old !== ts && old.startsWith('..') && !old.includes('/'))
    rmSync(join(dir, old), { recursive: true, force: true });
  return true;
}

function samePayload(dataDir: string, payload: Payload): boolean {
  if (countFiles(dataDir) !== payload.size) return false;
  for (const [p, f] of payload) {
    const file = join(dataDir, p);
    try {
      if ((statSync(file).mode & 0o7777) !== f.mode) return false;
      if (!readFileSync(file).equals(f.data)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function sameVisible(dir: string, payload: Payload): boolean {
  for (const top of new Set([...payload.keys()].map((p) => p.split('/')[0]!))) {
    try {
      if (readlinkSync(join(dir, top)) !== join(dataLink, top)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}
