/**
 * The files beside the nginx configuration: certificates and htpasswd files from Secrets, each
 * named by its content hash and written once with mode 0600 (atomically: temp file then rename).
 * htpasswd files are read by worker processes per request, so when workers run as another user
 * they are given to that user. Files no kept configuration names are removed.
 */
import { chmod, chown, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFile } from './model.ts';

/** uid/gid of a local user from /etc/passwd (node has no getpwnam). */
export function lookupUser(name: string): { uid: number; gid: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** Writes the files `dir` lacks; `owner` (when set) becomes the owner of worker-read files. */
export async function writeModelFiles(
  dir: string,
  files: readonly ModelFile[],
  owner?: { uid: number; gid: number },
): Promise<void> {
  for (const f of files) {
    const path = join(dir, f.name);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, f.content, { mode: 0o600 });
    await chmod(tmp, 0o600); // the umask cannot widen it, but make it explicit
    if (f.worker && owner) await chown(tmp, owner.uid, owner.gid);
    await rename(tmp, path);
  }
}

/** Removes files in `dir` that none of `keep` (configuration texts) mentions. */
export async function removeUnusedFiles(dir: string, keep: readonly string[]): Promise<void> {
  for (const name of await readdir(dir)) {
    if (keep.some((text) => text.includes(name))) continue;
    await rm(join(dir, name), { force: true });
  }
}
