/**
 * Pushes an image (image-source.ts) into a registry over the OCI Distribution API, the way docker
 * and skopeo do: credentials go through the Docker token flow (the `/v2/` challenge names the
 * realm; a token for `repository:NAME:pull,push` is fetched with Basic auth and renewed when it
 * runs out), or as Basic auth when the registry asks for that. Each blob is checked with HEAD and
 * uploaded only when missing (POST, then a monolithic PUT streamed from the source), then the
 * manifests go up, children before the index that lists them, the top one under the tag.
 * Failures are Errors carrying the registry's own code and message.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { parseChallenge } from '../access/challenge.ts';
import { isValidName, isValidTag, parseDigest } from '../reference.ts';
import type { SourceImage } from './image-source.ts';

/** A parsed image reference: registry host, repository, and a tag or digest. */
export interface ImageRef {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Whether the first component of a name is a registry host (has a dot or port, or is localhost). */
function isHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
}

/** Parses `HOST[:PORT]/NAME[:TAG|@DIGEST]`; `defaultHost` is used when the name has no host. */
export function parseImageRef(ref: string, defaultHost?: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!parseDigest(digest)) throw new Error(`invalid digest in ${ref}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw new Error(`invalid tag in ${ref}`);
  }
  const slash = rest.indexOf('/');
  let host: string | undefined;
  if (slash > 0 && isHost(rest.slice(0, slash))) {
    host = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  host ??= defaultHost;
  if (!host) throw new Error(`${ref} names no registry: write it as HOST:PORT/NAMESPACE/NAME:TAG`);
  if (!isValidName(rest)) throw new Error(`invalid repository name in ${ref}`);
  return { host, repository: rest, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export interface PushOptions {
  /** PEM of the CA that signs the registry's certificate. */
  ca?: string;
  insecureSkipTlsVerify?: boolean;
  /** Speak HTTP instead of HTTPS. */
  plainHttp?: boolean;
  username?: string;
  password?: string;
  /** Progress lines ("pushed blob ..."). */
  progress?: (line: string) => void;
}

export interface PushResult {
  /** Digest of the top manifest. */
  digest: string;
  uploaded: number;
  skipped: number;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The registry's error, as one line: `CODE: message` from its JSON body, else the status. */
export function replyError(what: string, r: Reply): Error {
  let text = `HTTP ${r.status}`;
  try {
    const e = (JSON.parse(r.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] })
      .errors?.[0];
    if (e?.code) text = `${e.code}: ${e.message ?? ''}`.trim();
  } catch {
    // not a registry error body
  }
  return new Error(`${what}: ${text}`);
}

/** Pushes `image` to `ref`; resolves with the top manifest's digest. */
export async function pushImage(image: SourceImage, ref: ImageRef, o: PushOptions = {}): Promise<PushResult> {
  const base = `${o.plainHttp ? 'http' : 'https'}://${ref.host}`;
  const basic =
    o.username !== undefined
      ? `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`
      : undefined;
  let auth: string | undefined;

  const send = (
    method: string,
    url: string,
    headers: Record<string, string | number> = {},
    body?: () => Buffer | Readable,
  ): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const u = new URL(url, base);
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
        method,
        headers: { ...headers, ...(auth ? { Authorization: auth } : {}) },
        ...(o.ca ? { ca: o.ca } : {}),
        ...(o.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
      });
      req.on('error', (err) => reject(new Error(`${method} ${u.origin}${u.pathname}: ${err.message}`)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      const b = body?.();
      if (b instanceof Readable) {
        b.on('error', (err) => req.destroy(err));
        b.pipe(req);
      } else req.end(b);
    });

  /** Answers a challenge: a token for push and pull, or Basic credentials. */
  const login = async (challengeHeader: string | undefined): Promise<void> => {
    const c = parseChallenge(challengeHeader);
    if (c?.scheme === 'basic' && basic) {
      auth = basic;
      return;
    }
    if (c?.scheme !== 'bearer' || !c.params.realm)
      throw new Error(
        `${ref.host} asks for credentials this client cannot give (${challengeHeader ?? 'no challenge'})`,
      );
    const u = new URL(c.params.realm);
    if (c.params.service) u.searchParams.set('service', c.params.service);
    u.searchParams.set('scope', `repository:${ref.repository}:pull,push`);
    auth = basic;
    const r = await send('GET', u.href);
    if (r.status !== 200) throw replyError(`getting a token from ${u.origin}${u.pathname}`, r);
    const doc = JSON.parse(r.body.toString('utf8')) as { token?: string; access_token?: string };
    const token = doc.token ?? doc.access_token;
    if (!token) throw new Error(`${u.origin}${u.pathname} returned no token`);
    auth = `Bearer ${token}`;
  };

  /** One request; on 401 it logs in again once and retries. */
  const call = async (
    method: string,
    url: string,
    headers?: Record<string, string | number>,
    body?: () => Buffer | Readable,
  ): Promise<Reply> => {
    const r = await send(method, url, headers, body);
    if (r.status !== 401) return r;
    await login(r.headers['www-authenticate'] as string | undefined);
    return send(method, url, headers, body);
  };

  const v2 = await send('GET', '/v2/');
  if (v2.status === 401) await login(v2.headers['www-authenticate'] as string | undefined);
  else if (v2.status !== 200) throw replyError(`${ref.host}/v2/`, v2);

  const repo = `/v2/${ref.repository}`;
  let uploaded = 0;
  let skipped = 0;
  for (const blob of image.blobs) {
    const head = await call('HEAD', `${repo}/blobs/${blob.digest}`);
    if (head.status === 200) {
      skipped++;
      continue;
    }
    const start = await call('POST', `${repo}/blobs/uploads/`, { 'Content-Length': 0 });
    if (start.status !== 202 || !start.headers.location)
      throw replyError(`starting the upload of ${blob.digest}`, start);
    const loc = new URL(start.headers.location, base);
    loc.searchParams.set('digest', blob.digest);
    const put = await call(
      'PUT',
      loc.href,
      { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.size },
      () => blob.open(),
    );
    if (put.status !== 201) throw replyError(`uploading ${blob.digest}`, put);
    uploaded++;
    o.progress?.(`pushed blob ${blob.digest} (${blob.size} bytes)`);
  }
  for (const m of image.manifests) {
    const isTop = m === image.top;
    const reference = isTop ? (ref.digest ?? ref.tag ?? 'latest') : m.digest;
    if (isTop && ref.digest && ref.digest !== m.digest)
      throw new Error(`the image's digest is ${m.digest}, not ${ref.digest}`);
    const put = await call(
      'PUT',
      `${repo}/manifests/${reference}`,
      { 'Content-Type': m.mediaType, 'Content-Length': m.body.length },
      () => m.body,
    );
    if (put.status !== 201) throw replyError(`pushing manifest ${reference}`, put);
  }
  return { digest: image.top.digest, uploaded, skipped };
}
