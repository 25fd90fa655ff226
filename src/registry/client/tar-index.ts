/**
 * Reads the table of contents of a tar file (ustar, with GNU long names and pax `path` records) so
 * image archives can be pushed without unpacking them: each regular file's name, byte offset and
 * size. Contents are then streamed straight from the archive (`createReadStream` with start/end).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** One regular file inside a tar archive. */
export interface TarMember {
  offset: number;
  size: number;
}

const BLOCK = 512;

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function octal(h: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB: high bit of the first byte set.
  if (h[start]! & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + h[i]!;
    return n;
  }
  const text = field(h, start, len).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function read(fd: number, at: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, b, got, len - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return got === len ? b : b.subarray(0, got);
}

/** Strips `./` and leading slashes so `./index.json` and `index.json` are one name. */
export function normalizeTarPath(p: string): string {
  return p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** The regular files of the tar at `path`, by normalized name. Throws on a corrupt header. */
export function indexTar(path: string): Map<string, TarMember> {
  const out = new Map<string, TarMember>();
  const fd = openSync(path, 'r');
  try {
    let at = 0;
    let longName: string | undefined;
    for (;;) {
      const h = read(fd, at, BLOCK);
      if (h.length < BLOCK || h.every((b) => b === 0)) break;
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
      if (sum !== octal(h, 148, 8))
        throw new Error(`${path} is not a tar archive (bad header at byte ${at})`);
      const size = octal(h, 124, 12);
      const type = String.fromCharCode(h[156]! || 48);
      const prefix = field(h, 257, 6).startsWith('ustar') ? field(h, 345, 155) : '';
      const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      longName = undefined;
      const body = at + BLOCK;
      if (type === 'L') longName = read(fd, body, size).toString('utf8').replace(/\0+$/, '');
      else if (type === 'x') {
        const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(read(fd, body, size).toString('utf8'));
        if (m) longName = m[1];
      } else if (type === '0' || type === '7') out.set(normalizeTarPath(name), { offset: body, size });
      at = body + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
