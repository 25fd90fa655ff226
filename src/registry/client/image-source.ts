/**
 * What `berth image push` / `import` reads: an image from an OCI image layout (a directory, or a tar
 * of one — `skopeo copy ... oci-archive:`, newer `docker save`) or a docker-archive tar (`docker
 * save`, `skopeo copy ... docker-archive:`), as the blobs and manifests to upload. A layout's
 * manifests are pushed byte for byte, so digests are kept; a docker-archive is turned into an OCI
 * manifest (its config is already OCI-compatible; its layers go up as they are, uncompressed tars
 * or gzip, whichever the archive holds). Nothing is unpacked: blobs stream from the source.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isIndexType, OCI_INDEX, OCI_MANIFEST } from '../media-types.ts';
import { indexTar, normalizeTarPath } from './tar-index.ts';

/** A blob to upload (config or layer). */
export interface SourceBlob {
  digest: string;
  size: number;
  open(): Readable;
}

/** A manifest to upload, as bytes. */
export interface SourceManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** An image ready to push: every blob, the manifests in upload order (the top one last). */
export interface SourceImage {
  blobs: SourceBlob[];
  manifests: SourceManifest[];
  top: SourceManifest;
  /** The name the source gives the image (ref-name annotation or RepoTags), when it has one. */
  name?: string;
}

/** Files of a directory or of a tar, by relative path. */
interface Files {
  has(name: string): boolean;
  size(name: string): number;
  read(name: string): Buffer;
  open(name: string): Readable;
}

function dirFiles(dir: string): Files {
  return {
    has: (n) => existsSync(join(dir, n)),
    size: (n) => statSync(join(dir, n)).size,
    read: (n) => readFileSync(join(dir, n)),
    open: (n) => createReadStream(join(dir, n)),
  };
}

function tarFiles(file: string): Files {
  const members = indexTar(file);
  const get = (n: string) => {
    const m = members.get(normalizeTarPath(n));
    if (!m) throw new Error(`${file} has no ${n}`);
    return m;
  };
  const readRange = (offset: number, size: number): Buffer => {
    const fd = openSync(file, 'r');
    try {
      const b = Buffer.alloc(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, b, got, size - got, offset + got);
        if (n === 0) throw new Error(`${file} is truncated`);
        got += n;
      }
      return b;
    } finally {
      closeSync(fd);
    }
  };
  return {
    has: (n) => members.has(normalizeTarPath(n)),
    size: (n) => get(n).size,
    read: (n) => readRange(get(n).offset, get(n).size),
    open: (n) => {
      const m = get(n);
      // `end` is inclusive; an empty member gets an empty range.
      return createReadStream(file, { start: m.offset, end: Math.max(m.offset, m.offset + m.size - 1) });
    },
  };
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  annotations?: Record<string, string>;
}

function parseJson<T>(b: Buffer, what: string): T {
  try {
    return JSON.parse(b.toString('utf8')) as T;
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** Whether `name` (a full reference or a tag) selects `candidate` (a full reference or a tag). */
function selects(name: string, candidate: string | undefined): boolean {
  if (!candidate) return false;
  return candidate === name || candidate.endsWith(`:${name}`) || name.endsWith(`/${candidate}`);
}

function pick<T>(
  items: T[],
  label: (t: T) => string | undefined,
  select: string | undefined,
  src: string,
): T {
  if (items.length === 0) throw new Error(`${src} holds no image`);
  if (select !== undefined) {
    const found = items.find((i) => selects(select, label(i)));
    if (!found) throw new Error(`${src} has no image named ${select}`);
    return found;
  }
  if (items.length > 1)
    throw new Error(
      `${src} holds ${items.length} images (${items.map((i) => label(i) ?? '?').join(', ')}): name one with --source-tag`,
    );
  return items[0]!;
}

function fromLayout(files: Files, src: string, select: string | undefined): SourceImage {
  const blobPath = (digest: string): string => {
    const [alg, hex] = digest.split(':');
    if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex))
      throw new Error(`${src}: invalid digest ${digest}`);
    const p = `blobs/${alg}/${hex}`;
    if (!files.has(p)) throw new Error(`${src} lacks blob ${digest}`);
    return p;
  };
  const index = parseJson<{ manifests?: Descriptor[] }>(files.read('index.json'), `${src}: index.json`);
  const refName = (d: Descriptor): string | undefined =>
    d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'];
  const top = pick(index.manifests ?? [], refName, select, src);
  const blobs = new Map<string, SourceBlob>();
  const manifests: SourceManifest[] = [];
  const visit = (d: Descriptor): SourceManifest => {
    const body = files.read(blobPath(d.digest ?? ''));
    if (sha256(body) !== d.digest) throw new Error(`${src}: manifest ${d.digest} does not match its digest`);
    const doc = parseJson<{
      mediaType?: string;
      manifests?: Descriptor[];
      config?: Descriptor;
      layers?: Descriptor[];
    }>(body, `${src}: manifest ${d.digest}`);
    const mediaType = doc.mediaType ?? d.mediaType ?? (doc.manifests ? OCI_INDEX : OCI_MANIFEST);
    if (isIndexType(mediaType)) for (const child of doc.manifests ?? []) visit(child);
    else
      for (const b of [doc.config, ...(doc.layers ?? [])]) {
        if (!b?.digest) throw new Error(`${src}: manifest ${d.digest} has a descriptor without a digest`);
        const p = blobPath(b.digest);
        blobs.set(b.digest, { digest: b.digest, size: files.size(p), open: () => files.open(p) });
      }
    const m = { digest: d.digest!, mediaType, body };
    manifests.push(m);
    return m;
  };
  const topManifest = visit(top);
  const name = refName(top);
  return { blobs: [...blobs.values()], manifests, top: topManifest, ...(name ? { name } : {}) };
}

/** sha256 of a member, read in chunks (layers can be large). */
function digestOf(files: Files, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    files
      .open(name)
      .on('data', (c: Buffer) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(`sha256:${h.digest('hex')}`));
  });
}

async function fromDockerArchive(
  files: Files,
  src: string,
  select: string | undefined,
): Promise<SourceImage> {
  const list = parseJson<{ Config?: string; RepoTags?: string[] | null; Layers?: string[] }[]>(
    files.read('manifest.json'),
    `${src}: manifest.json`,
  );
  type Entry = (typeof list)[number];
  const entries = list.flatMap((e): { e: Entry; t: string | undefined }[] =>
    e.RepoTags?.length ? e.RepoTags.map((t) => ({ e, t })) : [{ e, t: undefined }],
  );
  const { e, t } = pick(entries, (x) => x.t, select, src);
  if (!e.Config) throw new Error(`${src}: manifest.json names no Config`);
  const config = files.read(e.Config);
  const configDigest = sha256(config);
  const blobs: SourceBlob[] = [
    { digest: configDigest, size: config.length, open: () => files.open(e.Config!) },
  ];
  const layers: Descriptor[] = [];
  for (const l of e.Layers ?? []) {
    const digest = await digestOf(files, l);
    const head = files.size(l) >= 2 ? files.read(l).subarray(0, 2) : Buffer.alloc(0);
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    const size = files.size(l);
    layers.push({
      mediaType: gzip
        ? 'application/vnd.oci.image.layer.v1.tar+gzip'
        : 'application/vnd.oci.image.layer.v1.tar',
      digest,
      size,
    });
    if (!blobs.some((b) => b.digest === digest)) blobs.push({ digest, size, open: () => files.open(l) });
  }
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers,
    }),
  );
  const top = { digest: sha256(body), mediaType: OCI_MANIFEST, body };
  return { blobs, manifests: [top], top, ...(t ? { name: t } : {}) };
}

/**
 * Opens `path`: an OCI layout directory, or a tar holding an OCI layout or a docker-archive.
 * `select` (a tag or a full name) picks one image when the source holds several.
 */
export async function openImageSource(path: string, select?: string): Promise<SourceImage> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`${path}: no such file or directory`);
  }
  const files = st.isDirectory() ? dirFiles(path) : tarFiles(path);
  if (files.has('index.json') && files.has('oci-layout')) return fromLayout(files, path, select);
  if (files.has('manifest.json')) return fromDockerArchive(files, path, select);
  throw new Error(
    `${path} is neither an OCI image layout (oci-layout, index.json) nor a docker-archive (manifest.json)`,
  );
}
