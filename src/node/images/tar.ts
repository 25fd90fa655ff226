/**
 * A deterministic ustar writer for image layers and OCI archives. The same entries always give the
 * same bytes: entries are sorted by path, owner is root (0:0), and every mtime is one fixed value, so
 * the sha256 of a layer (its diff_id) depends only on the files in it.
 */

/** One member of a tar archive. Paths are relative ("bin/sh"), without a leading slash. */
export type TarEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string };

export interface TarOptions {
  /** Modification time of every entry, in seconds since the epoch (default 0). */
  mtime?: number;
}

const BLOCK = 512;

/** Builds an uncompressed tar (ustar) of `entries`, sorted by path, ending with two zero blocks. */
export function writeTar(entries: readonly TarEntry[], opts: TarOptions = {}): Buffer {
  const mtime = opts.mtime ?? 0;
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  const parts: Buffer[] = [];
  for (const e of sorted) {
    if (seen.has(e.path)) throw new Error(`tar: duplicate entry ${e.path}`);
    seen.add(e.path);
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    parts.push(header(e, data.length, mtime));
    if (data.length > 0) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(e: TarEntry, size: number, mtime: number): Buffer {
  if (e.path.startsWith('/') || e.path === '') throw new Error(`tar: path must be relative: "${e.path}"`);
  const h = Buffer.alloc(BLOCK);
  const name = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
  const [prefix, base] = splitName(name);
  h.write(base, 0, 100, 'utf8');
  const mode = e.type === 'symlink' ? 0o777 : (e.mode ?? (e.type === 'dir' ? 0o755 : 0o644));
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.write(' '.repeat(8), 148, 8, 'ascii');
  h.write(e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0', 156, 1, 'ascii');
  if (e.type === 'symlink') {
    if (Buffer.byteLength(e.target) > 100) throw new Error(`tar: link target too long: ${e.target}`);
    h.write(e.target, 157, 100, 'utf8');
  }
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** Splits a long name into ustar's prefix (≤155 bytes) and name (≤100 bytes) at a slash. */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  for (let i = trimmed.lastIndexOf('/'); i > 0; i = trimmed.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return [prefix, rest];
  }
  throw new Error(`tar: path too long for ustar: ${name}`);
}

function octal(h: Buffer, offset: number, width: number, value: number): void {
  h.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}
