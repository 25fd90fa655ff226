/**
 * Test fixtures for the image repository: OCI image layouts built from scratch (real gzip'd tar
 * layers of random bytes, a valid image config, a manifest, optionally a two-platform index), a
 * `berth registry serve` child process, Debian's docker-registry as a peer, and a tiny registry
 * HTTP client for the raw protocol steps skopeo does not expose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

export const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A ustar archive holding one regular file. */
export function tarOf(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148); // checksum field counts as spaces while summing
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, pad, Buffer.alloc(1024)]);
}

/** A blob and its descriptor. */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  data: Buffer;
}

function blob(mediaType: string, data: Buffer): Blob {
  return { mediaType, digest: sha256(data), size: data.length, data };
}

const desc = (b: Blob): { mediaType: string; digest: string; size: number } => ({
  mediaType: b.mediaType,
  digest: b.digest,
  size: b.size,
});

/** One image: layers, config and manifest (OCI), all as blobs. */
export interface Image {
  layers: Blob[];
  config: Blob;
  manifest: Blob;
}

/**
 * Builds an image of `layers` random layers of `layerSize` bytes each. Layers are stored gzip
 * (level 0 for big layers, so building them is quick) of a tar holding one file.
 */
export function makeImage(opts: { layers: number; layerSize: number; arch?: string }): Image {
  const layers: Blob[] = [];
  const diffIds: string[] = [];
  for (let i = 0; i < opts.layers; i++) {
    const tar = tarOf(`file${i}.bin`, randomBytes(opts.layerSize));
    diffIds.push(sha256(tar));
    layers.push(blob(OCI_LAYER, gzipSync(tar, { level: opts.layerSize > 1 << 20 ? 0 : 6 })));
  }
  const configDoc = {
    created: '2026-01-01T00:00:00Z',
    architecture: opts.arch ?? 'amd64',
    os: 'linux',
    config: { Cmd: ['/file0.bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: '2026-01-01T00:00:00Z', created_by: 'berth test' })),
  };
  const config = blob(OCI_CONFIG, Buffer.from(JSON.stringify(configDoc)));
  const manifest = blob(
    OCI_MANIFEST,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: desc(config),
        layers: layers.map(desc),
      }),
    ),
  );
  return { layers, config, manifest };
}

/** A two-platform (amd64, arm64) index and its images. */
export function makeIndex(opts: { layers: number; layerSize: number }): { images: Image[]; index: Blob } {
  const images = ['amd64', 'arm64'].map((arch) => makeImage({ ...opts, arch }));
  const index = blob(
    OCI_INDEX,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: images.map((img, i) => ({
          ...desc(img.manifest),
          platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
        })),
      }),
    ),
  );
  return { images, index };
}

/** Writes an OCI image layout at `dir` whose index.json tags `top` (a manifest or index) as `tag`. */
export function writeOciLayout(dir: string, tag: string, top: Blob, blobs: Blob[]): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const b of [top, ...blobs]) writeFileSync(join(dir, 'blobs', 'sha256', b.digest.slice(7)), b.data);
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...desc(top), annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
}

/** Every blob of an image (config, layers). */
export const imageBlobs = (img: Image): Blob[] => [img.config, ...img.layers];

/** A running registry process. */
export interface RegistryProcess {
  url: string;
  /** host:port, for docker:// references. */
  host: string;
  dataDir: string;
  /** The server's process id (for memory readings). */
  pid: number;
  /** The admin password `serve` printed on first start (registries started with `auth`). */
  adminPassword?: string;
  logs(): string;
  stop(): Promise<void>;
}

function waitForLine(
  child: ChildProcess,
  re: RegExp,
  out: () => string,
  ms: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${out()}`)), ms);
    const check = (): void => {
      const m = re.exec(out());
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready; output:\n${out()}`));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

/**
 * Starts `berth registry serve` on a free loopback port (TLS with its own CA unless plainHttp).
 * Without `auth` it runs with --insecure-allow-all (protocol tests and benchmarks, like an
 * unauthenticated docker-registry); with `auth`, namespaces, accounts and tokens apply.
 */
export async function startBerthRegistry(
  dataDir: string,
  opts: { plainHttp?: boolean; auth?: boolean; args?: string[] } = {},
): Promise<RegistryProcess> {
  const port = await freePort();
  const args = [
    'registry',
    'serve',
    '--data-dir',
    dataDir,
    '--listen',
    `127.0.0.1:${port}`,
    '--log-level',
    'warn',
  ];
  if (opts.plainHttp) args.push('--plain-http');
  if (!opts.auth) args.push('--insecure-allow-all');
  if (opts.args) args.push(...opts.args);
  const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const m = await waitForLine(child, /listening on (\S+),/, () => out, 30_000);
  const url = m[1]!;
  const pw = /shown only now[^\n]*\n\s+(\S+)/.exec(out)?.[1];
  return {
    url,
    host: new URL(url).host,
    dataDir,
    pid: child.pid!,
    logs: () => out,
    stop: stopper(child),
    ...(pw !== undefined ? { adminPassword: pw } : {}),
  };
}

/** Runs `berth ARGS...`; resolves with stdout, rejects with stderr on a non-zero exit. */
export function berth(...args: string[]): Promise<string> {
  return run(berthBin, args);
}

function run(cmd: string, args: string[], env?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env ? { env: { ...process.env, ...env } } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

/** Whether Debian's docker-registry (CNCF distribution) is installed. */
export const distributionPath = '/usr/bin/docker-registry';
export const haveDistribution = (): boolean => existsSync(distributionPath);

/**
 * Starts Debian's docker-registry on a free port, storing in `dir`, plain HTTP, deletes enabled;
 * with `htpasswd` (a file of bcrypt entries) it asks for Basic credentials.
 */
export async function startDistribution(
  dir: string,
  opts: { htpasswd?: string } = {},
): Promise<RegistryProcess> {
  const port = await freePort();
  const config = join(dir, 'config.yml');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: error, accesslog: { disabled: true } }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      '  cache: { blobdescriptor: inmemory }',
      '  delete: { enabled: true }',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(opts.htpasswd ? [`auth: { htpasswd: { realm: berth-test, path: ${opts.htpasswd} } }`] : []),
      '',
    ].join('\n'),
  );
  const child = spawn(distributionPath, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await call(url, 'GET', '/v2/');
      if (r.status === 200 || (opts.htpasswd && r.status === 401)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`docker-registry did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    dataDir: dir,
    pid: child.pid!,
    logs: () => out,
    stop: stopper(child),
  };
}

/** A raw response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP(S) request to a registry (certificate checks off: the tests trust their own server). */
export function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string | number>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const u = new URL(path, base);
  const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
    method,
    headers: opts.headers,
    rejectUnauthorized: false,
    // A connection per request: the tests refuse uploads mid-body (Connection: close), and a pooled
    // socket caught in that exchange must not carry the next request.
    agent: false,
  });
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.end(opts.body);
  });
}

/** The first error code of a registry error body. */
export function errorCode(r: RawResponse): string | undefined {
  try {
    return (JSON.parse(r.body.toString()) as { errors?: { code: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

/**
 * Pushes a blob monolithically (POST ?digest=, answered 201 by Berth); a registry that opens a
 * session instead (202, as distribution 2.8 does) gets the bytes in a PUT to the session.
 */
export async function pushBlob(
  base: string,
  name: string,
  b: Blob,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const r = await call(base, 'POST', `/v2/${name}/blobs/uploads/?digest=${b.digest}`, {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': b.size, ...headers },
    body: b.data,
  });
  if (r.status !== 202) return r;
  const loc = new URL(r.headers.location as string, base);
  loc.searchParams.set('digest', b.digest);
  return call(base, 'PUT', loc.pathname + loc.search, {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': b.size, ...headers },
    body: b.data,
  });
}

/** Pushes a manifest under `ref`. */
export async function pushManifest(
  base: string,
  name: string,
  ref: string,
  m: Blob,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return call(base, 'PUT', `/v2/${name}/manifests/${ref}`, {
    headers: { 'Content-Type': m.mediaType, ...headers },
    body: m.data,
  });
}

/** A Basic Authorization header. */
export const basicAuth = (user: string, secret: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
});

/** Runs skopeo with `args`; rejects with its stderr on failure. */
export function skopeo(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`skopeo ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

/** Whether skopeo is installed. */
export const haveSkopeo = (): boolean => existsSync('/usr/bin/skopeo');
