import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { StaticFiles } from './static-files.ts';

/** A built console in a temporary directory: index.html and one hashed asset. */
function built(): { dir: string; files: StaticFiles } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><title>x</title></head>${' '.repeat(2000)}</html>`,
  );
  writeFileSync(join(dir, 'assets', 'app-abc.js'), `console.log(1);${' '.repeat(2000)}`);
  return { dir, files: new StaticFiles(dir) };
}

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

function get(files: StaticFiles, path: string, headers: Record<string, string> = {}): Answer {
  const out: Answer = { status: 0, headers: new Map(), body: '' };
  const res = {
    set statusCode(v: number) {
      out.status = v;
    },
    setHeader: (k: string, v: string) => void out.headers.set(k, String(v)),
    end: (b?: Buffer | string) => {
      const buf = Buffer.isBuffer(b) ? b : Buffer.from(b ?? '');
      out.body = (out.headers.get('content-encoding') === 'gzip' ? gunzipSync(buf) : buf).toString();
    },
  };
  const req = { method: 'GET', headers };
  assert.equal(files.serve(req as unknown as IncomingMessage, res as unknown as ServerResponse, path), true);
  return out;
}

const hint = '<meta name="berth-session-cookie"';

test('index.html is marked only for a request with a session cookie', () => {
  const { dir, files } = built();
  try {
    const cases: { path: string; headers: Record<string, string>; marked: boolean }[] = [
      { path: '/', headers: {}, marked: false },
      { path: '/c/local/overview', headers: { cookie: 'other=1' }, marked: false },
      { path: '/c/local/overview', headers: { cookie: 'a=1; berth_session=tok' }, marked: true },
      {
        path: '/index.html',
        headers: { cookie: 'berth_session=tok', 'accept-encoding': 'gzip' },
        marked: true,
      },
      { path: '/', headers: { 'accept-encoding': 'gzip, br' }, marked: false },
    ];
    for (const c of cases) {
      const a = get(files, c.path, c.headers);
      assert.equal(a.status, 200, c.path);
      assert.equal(a.body.includes(hint), c.marked, `${c.path} ${JSON.stringify(c.headers)}`);
      assert.match(a.body, /<title>x<\/title>/);
      assert.equal(a.headers.get('cache-control'), 'no-cache');
      assert.equal(a.headers.get('vary'), 'accept-encoding, cookie');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('assets are never marked and keep their long-lived caching', () => {
  const { dir, files } = built();
  try {
    const a = get(files, '/assets/app-abc.js', { cookie: 'berth_session=tok', 'accept-encoding': 'gzip' });
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-encoding'), 'gzip');
    assert.match(a.body, /^console\.log\(1\);/);
    assert.match(String(a.headers.get('cache-control')), /immutable/);
    assert.equal(a.headers.get('vary'), 'accept-encoding');
    assert.equal(get(files, '/assets/missing.js').status, 404);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
