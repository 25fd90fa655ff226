/**
 * The built console (console/dist) served from memory: files are read once at start, gzipped once,
 * and answered with long-lived caching for hashed assets and no caching for index.html. Any other
 * path that is not a file gets index.html, so the browser router owns deep links like
 * /c/local/pods. A request that carries a session cookie gets index.html marked with
 * `<meta name="berth-session-cookie">`, so the console's boot script can send the first page's
 * LISTs without waiting for the session check (the cookie is HTTP-only; the page cannot see it).
 */
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { parseCookies, sessionCookieName } from './cookies.ts';
import { setHeader, type ConsoleRequest, type ConsoleResponse } from './http-types.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  immutable: boolean;
}

/** Page shown when the console has not been built, so `berth up` still says what to do. */
const notBuiltPage = Buffer.from(
  '<!doctype html><meta charset="utf-8"><title>Berth console</title>' +
    '<p>The console has not been built. Run <code>npm run build:console</code> and reload.</p>',
);

/** What marks index.html for a request with a session cookie (see the module comment). */
const sessionHint = '<meta name="berth-session-cookie" content="1" />';

/** In-memory copy of a directory of built assets. */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();
  /** index.html with the session-cookie mark, when index.html has a <head> to put it in. */
  private indexWithHint?: StaticFile;
  /** False when the directory or its index.html is missing. */
  readonly built: boolean;

  constructor(dir: string) {
    this.built = existsSync(join(dir, 'index.html'));
    if (this.built) this.load(dir, dir);
    const index = this.files.get('/index.html');
    if (index?.body.includes('<head>')) {
      const body = Buffer.from(index.body.toString('utf8').replace('<head>', `<head>${sessionHint}`));
      this.indexWithHint = { ...index, body, gzip: gzipSync(body, { level: 9 }) };
    }
  }

  /** Total bytes of the files held (uncompressed). */
  get size(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.body.length;
    return n;
  }

  /** Answers GET/HEAD for `pathname`; returns false when the method is not GET/HEAD. */
  serve(req: ConsoleRequest, res: ConsoleResponse, pathname: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let file = this.files.get(pathname);
    // Missing assets are real 404s (a stale tab asking for an old chunk must not get HTML).
    if (!file && pathname.startsWith('/assets/')) {
      res.statusCode = 404;
      setHeader(res, 'content-type', 'text/plain; charset=utf-8');
      res.end('not found\n');
      return true;
    }
    const isIndex = !file || pathname === '/index.html';
    file ??= this.files.get('/index.html');
    if (isIndex && this.indexWithHint && parseCookies(req.headers.cookie).has(sessionCookieName))
      file = this.indexWithHint;
    if (!file) {
      res.statusCode = 503;
      setHeader(res, 'content-type', 'text/html; charset=utf-8');
      res.end(notBuiltPage);
      return true;
    }
    res.statusCode = 200;
    setHeader(res, 'content-type', file.type);
    setHeader(res, 'cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    setHeader(res, 'vary', isIndex ? 'accept-encoding, cookie' : 'accept-encoding');
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = acceptsGzip && file.gzip ? file.gzip : file.body;
    if (body === file.gzip) setHeader(res, 'content-encoding', 'gzip');
    setHeader(res, 'content-length', String(body.length));
    if (req.method === 'HEAD') res.end();
    else res.end(body);
    return true;
  }

  private load(root: string, dir: string): void {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        this.load(root, full);
        continue;
      }
      const url = '/' + relative(root, full).split(sep).join('/');
      const body = readFileSync(full);
      const type = contentTypes[extname(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
      this.files.set(url, {
        body,
        gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
        type,
        immutable: url.startsWith('/assets/'),
      });
    }
  }
}
