/**
 * The pull-through cache against another in-process Berth registry as the upstream — private, so
 * the cache must go through the upstream's own token flow with its robot credentials: a miss is
 * fetched and stored, the second pull is local (upstream gone: tags are served stale, blobs from
 * disk), pushes into the cache are refused, and a digest stored elsewhere locally is not handed
 * out unless the upstream has it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  basicAuth,
  call,
  errorCode,
  imageBlobs,
  makeImage,
  pushBlob,
  pushManifest,
  type Image,
} from '../../../test/e2e/registry-fixtures.ts';
import { allowAll } from '../auth.ts';
import { openRegistry, type Registry } from '../server.ts';
import { upstreamRepository } from './upstream.ts';

let tmp: string;
let upstream: Registry;
let cache: Registry;
let upUrl: string;
let url: string;
let img: Image;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'berth-pull-through-'));
  upstream = await openRegistry({ root: join(tmp, 'up') });
  upUrl = await upstream.listen({ host: '127.0.0.1', port: 0 });
  upstream.context.namespaces.create({ name: 'lib' });
  const robot = upstream.context.accounts.createRobot('lib', 'mirror', ['pull']);
  const admin = basicAuth('admin', upstream.initialAdminPassword!);
  img = makeImage({ layers: 2, layerSize: 200_000 });
  for (const b of imageBlobs(img)) assert.equal((await pushBlob(upUrl, 'lib/app', b, admin)).status, 201);
  assert.equal((await pushManifest(upUrl, 'lib/app', 'v1', img.manifest, admin)).status, 201);

  cache = await openRegistry({ root: join(tmp, 'cache'), authorize: allowAll });
  url = await cache.listen({ host: '127.0.0.1', port: 0 });
  cache.context.namespaces.create({
    name: 'mirror',
    proxy: { url: upUrl, username: robot.name, password: robot.token, ttlSeconds: 0 },
  });
  cache.context.namespaces.create({ name: 'secret' });
});
after(async () => {
  await cache.close();
  await upstream.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('upstreamRepository strips the namespace and adds library/ for Docker Hub', () => {
  assert.equal(upstreamRepository('http://127.0.0.1:5000', 'cache/lib/app'), 'lib/app');
  assert.equal(upstreamRepository('https://registry-1.docker.io', 'cache/nginx'), 'library/nginx');
  assert.equal(upstreamRepository('https://registry-1.docker.io', 'cache/bitnami/redis'), 'bitnami/redis');
});

test('a miss is fetched through the upstream token flow, then served locally with the upstream gone', async () => {
  const m = await call(url, 'GET', '/v2/mirror/lib/app/manifests/v1');
  assert.equal(m.status, 200, m.body.toString());
  assert.equal(m.headers['docker-content-digest'], img.manifest.digest);
  assert.deepEqual(m.body, img.manifest.data);
  for (const b of imageBlobs(img)) {
    const r = await call(url, 'GET', `/v2/mirror/lib/app/blobs/${b.digest}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(b.data), `blob ${b.digest}`);
  }
  const missing = await call(url, 'GET', '/v2/mirror/lib/app/manifests/nope');
  assert.equal(errorCode(missing), 'MANIFEST_UNKNOWN');

  // A digest the cache holds for another namespace is not served unless the upstream has it.
  const other = makeImage({ layers: 1, layerSize: 1000 }).layers[0]!;
  assert.equal((await pushBlob(url, 'secret/x', other)).status, 201);
  assert.equal(errorCode(await call(url, 'GET', `/v2/mirror/lib/app/blobs/${other.digest}`)), 'BLOB_UNKNOWN');

  const push = await pushBlob(url, 'mirror/lib/app', other);
  assert.equal(push.status, 403);
  assert.match(push.body.toString(), /pull-through cache/);

  await upstream.close();
  // TTL 0: the tag is re-validated, the upstream is unreachable, the cached manifest is served.
  const again = await call(url, 'GET', '/v2/mirror/lib/app/manifests/v1');
  assert.equal(again.status, 200);
  assert.equal(again.headers['docker-content-digest'], img.manifest.digest);
  for (const b of imageBlobs(img)) {
    const r = await call(url, 'GET', `/v2/mirror/lib/app/blobs/${b.digest}`, {
      headers: { Range: 'bytes=0-9' },
    });
    assert.equal(r.status, 206, 'served from the local store (ranges work)');
    assert.ok(r.body.equals(b.data.subarray(0, 10)));
  }
  const gone = await call(url, 'GET', '/v2/mirror/lib/app/manifests/v2');
  assert.equal(gone.status, 502);
  assert.equal(errorCode(gone), 'UNKNOWN');
});
