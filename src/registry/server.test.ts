/**
 * The Distribution API over a real loopback socket against an in-process registry: every push and
 * pull path and the spec's error for each bad request. skopeo and distribution interop live in
 * test/e2e/registry-*.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  call,
  errorCode,
  imageBlobs,
  makeImage,
  OCI_MANIFEST,
  pushBlob,
  pushManifest,
  sha256,
  type Blob,
} from '../../test/e2e/registry-fixtures.ts';
import { allowAll } from './auth.ts';
import { RegistryError } from './errors.ts';
import { DOCKER_MANIFEST, OCI_INDEX } from './media-types.ts';
import { parseManifest } from './manifest.ts';
import { openRegistry, type Registry } from './server.ts';
import { RegistryMetadata } from './storage/metadata.ts';

let root: string;
let reg: Registry;
let url: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  reg = await openRegistry({ root, authorize: allowAll });
  url = await reg.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await reg.close();
  rmSync(root, { recursive: true, force: true });
});

const blobFiles = (): string[] =>
  readdirSync(join(root, 'blobs'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

async function pushImage(name: string, tag: string, img = makeImage({ layers: 2, layerSize: 2000 })) {
  for (const b of imageBlobs(img)) assert.equal((await pushBlob(url, name, b)).status, 201);
  const r = await pushManifest(url, name, tag, img.manifest);
  assert.equal(r.status, 201, r.body.toString());
  return img;
}

describe('pull', () => {
  test('/v2/ answers 200 with the API version header; unknown paths and methods are refused', async () => {
    const r = await call(url, 'GET', '/v2/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['docker-distribution-api-version'], 'registry/2.0');
    assert.equal((await call(url, 'GET', '/v2/ns/app/nothing')).status, 404);
    const m = await call(url, 'POST', '/v2/ns/app/tags/list');
    assert.equal(m.status, 405);
    assert.equal(errorCode(m), 'UNSUPPORTED');
  });

  test('manifests by tag and digest, HEAD, and Accept negotiation', async () => {
    const img = await pushImage('pull/app', 'v1');
    for (const ref of ['v1', img.manifest.digest]) {
      const r = await call(url, 'GET', `/v2/pull/app/manifests/${ref}`, {
        headers: { Accept: OCI_MANIFEST },
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], OCI_MANIFEST);
      assert.equal(r.headers['docker-content-digest'], img.manifest.digest);
      assert.deepEqual(r.body, img.manifest.data);
    }
    const head = await call(url, 'HEAD', '/v2/pull/app/manifests/v1');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(img.manifest.size));
    assert.equal(head.body.length, 0);
    const docker = await call(url, 'GET', '/v2/pull/app/manifests/v1', {
      headers: { Accept: DOCKER_MANIFEST },
    });
    assert.equal(docker.status, 404);
    assert.equal(errorCode(docker), 'MANIFEST_UNKNOWN');
    assert.equal(errorCode(await call(url, 'GET', '/v2/pull/app/manifests/nope')), 'MANIFEST_UNKNOWN');
    assert.equal(errorCode(await call(url, 'GET', '/v2/never/pushed/manifests/v1')), 'NAME_UNKNOWN');
    assert.equal(errorCode(await call(url, 'GET', '/v2/Bad/manifests/v1')), 'NAME_INVALID');
    assert.equal(errorCode(await call(url, 'GET', '/v2/pull/app/manifests/-bad')), 'MANIFEST_INVALID');
  });

  test('a cached manifest is served byte for byte, and never after another process moved its tag', async () => {
    const img = await pushImage('cached/app', 'v1');
    // Non-ASCII bytes in the manifest: the response must be exactly the stored UTF-8.
    const doc = JSON.parse(img.manifest.data.toString('utf8')) as Record<string, unknown>;
    doc.annotations = { 'org.example.note': 'café ☕ ü' };
    const data = Buffer.from(JSON.stringify(doc));
    const second: Blob = { mediaType: OCI_MANIFEST, digest: sha256(data), size: data.length, data };
    assert.equal((await pushManifest(url, 'cached/app', 'v2', second)).status, 201);
    for (let i = 0; i < 2; i++) {
      const r = await call(url, 'GET', '/v2/cached/app/manifests/v2', { headers: { Accept: OCI_MANIFEST } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, data);
      assert.equal(r.headers['content-length'], String(data.length));
      assert.equal(r.headers['docker-content-digest'], second.digest);
    }
    assert.equal(
      (await call(url, 'GET', '/v2/cached/app/manifests/v1')).headers['docker-content-digest'],
      img.manifest.digest,
    );
    // Another handle on the same database (as `berth registry` admin commands and gc are) moves v1.
    const other = RegistryMetadata.open(join(root, 'registry.db'));
    try {
      other.putManifest('cached/app', second.digest, data, parseManifest(data, OCI_MANIFEST), 'v1');
      const moved = await call(url, 'GET', '/v2/cached/app/manifests/v1');
      assert.equal(moved.headers['docker-content-digest'], second.digest);
      assert.equal(other.deleteTag('cached/app', 'v1'), true);
      assert.equal(errorCode(await call(url, 'GET', '/v2/cached/app/manifests/v1')), 'MANIFEST_UNKNOWN');
    } finally {
      other.close();
    }
  });

  test('blobs: whole, Range (206), unsatisfiable (416), HEAD; other repositories cannot see them', async () => {
    const img = await pushImage('pull/blobs', 'v1');
    const layer = img.layers[0]!;
    const whole = await call(url, 'GET', `/v2/pull/blobs/blobs/${layer.digest}`);
    assert.equal(whole.status, 200);
    assert.deepEqual(whole.body, layer.data);
    assert.equal(whole.headers['docker-content-digest'], layer.digest);
    const part = await call(url, 'GET', `/v2/pull/blobs/blobs/${layer.digest}`, {
      headers: { Range: 'bytes=10-19' },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 10-19/${layer.size}`);
    assert.deepEqual(part.body, layer.data.subarray(10, 20));
    const bad = await call(url, 'GET', `/v2/pull/blobs/blobs/${layer.digest}`, {
      headers: { Range: `bytes=${layer.size}-` },
    });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers['content-range'], `bytes */${layer.size}`);
    const head = await call(url, 'HEAD', `/v2/pull/blobs/blobs/${layer.digest}`);
    assert.equal(head.headers['content-length'], String(layer.size));
    assert.equal(errorCode(await call(url, 'GET', `/v2/pull/app/blobs/${layer.digest}`)), 'BLOB_UNKNOWN');
    assert.equal(errorCode(await call(url, 'GET', '/v2/pull/blobs/blobs/sha256:zz')), 'DIGEST_INVALID');
  });
});

describe('push', () => {
  test('chunked upload: PATCH in order, 416 out of order, status, PUT with a last chunk', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    const start = await call(url, 'POST', '/v2/push/chunked/blobs/uploads/');
    assert.equal(start.status, 202);
    const loc = start.headers.location as string;
    assert.match(loc, /^\/v2\/push\/chunked\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const p1 = await call(url, 'PATCH', loc, {
      headers: { 'Content-Range': '0-9', 'Content-Type': 'application/octet-stream' },
      body: data.subarray(0, 10),
    });
    assert.equal(p1.status, 202);
    assert.equal(p1.headers.range, '0-9');
    const wrong = await call(url, 'PATCH', loc, {
      headers: { 'Content-Range': '5-9' },
      body: data.subarray(5, 10),
    });
    assert.equal(wrong.status, 416);
    assert.equal(wrong.headers.range, '0-9');
    const status = await call(url, 'GET', loc);
    assert.equal(status.status, 204);
    assert.equal(status.headers.range, '0-9');
    assert.equal(status.headers.location, loc);
    const done = await call(url, 'PUT', `${loc}?digest=${sha256(data)}`, {
      headers: { 'Content-Range': '10-19' },
      body: data.subarray(10),
    });
    assert.equal(done.status, 201, done.body.toString());
    assert.equal(done.headers.location, `/v2/push/chunked/blobs/${sha256(data)}`);
    assert.deepEqual((await call(url, 'GET', done.headers.location)).body, data);
    assert.equal(errorCode(await call(url, 'GET', loc)), 'BLOB_UPLOAD_UNKNOWN');
  });

  test('a chunk cut off mid-way keeps what arrived; the client resumes from the reported offset', async () => {
    const data = Buffer.alloc(256 * 1024, 7);
    const loc = (await call(url, 'POST', '/v2/push/resume/blobs/uploads/')).headers.location as string;
    const u = new URL(loc, url);
    await new Promise<void>((resolve) => {
      const req = request(u, {
        method: 'PATCH',
        headers: { 'Content-Range': `0-${data.length - 1}`, 'Content-Length': data.length },
      });
      req.on('error', () => resolve());
      req.write(data.subarray(0, 100_000), () => setTimeout(() => req.destroy(), 100));
    });
    let range = '';
    for (let i = 0; i < 50 && range !== '0-99999'; i++) {
      range = (await call(url, 'GET', loc)).headers.range as string;
      if (range !== '0-99999') await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(range, '0-99999');
    const rest = await call(url, 'PATCH', loc, {
      headers: { 'Content-Range': `100000-${data.length - 1}` },
      body: data.subarray(100_000),
    });
    assert.equal(rest.status, 202);
    const fin = await call(url, 'PUT', `${loc}?digest=${sha256(data)}`);
    assert.equal(fin.status, 201);
  });

  test('a wrong digest is DIGEST_INVALID and nothing is stored', async () => {
    const before = blobFiles().length;
    const data = Buffer.from('content whose digest is not the one claimed');
    const claimed = sha256(Buffer.from('something else'));
    const mono = await call(url, 'POST', `/v2/push/bad/blobs/uploads/?digest=${claimed}`, { body: data });
    assert.equal(mono.status, 400);
    assert.equal(errorCode(mono), 'DIGEST_INVALID');
    const loc = (await call(url, 'POST', '/v2/push/bad/blobs/uploads/')).headers.location as string;
    await call(url, 'PATCH', loc, { body: data });
    const fin = await call(url, 'PUT', `${loc}?digest=${claimed}`);
    assert.equal(errorCode(fin), 'DIGEST_INVALID');
    assert.equal(blobFiles().length, before);
    assert.equal((await call(url, 'HEAD', `/v2/push/bad/blobs/${claimed}`)).status, 404);
    assert.equal((await call(url, 'HEAD', `/v2/push/bad/blobs/${sha256(data)}`)).status, 404);
    assert.equal(errorCode(await call(url, 'PUT', `${loc}?digest=${sha256(data)}`)), 'BLOB_UPLOAD_UNKNOWN');
  });

  test('manifest pushes are validated: missing blobs, size, JSON, digest, names, tags', async () => {
    const img = makeImage({ layers: 1, layerSize: 100 });
    const missing = await pushManifest(url, 'push/m', 'v1', img.manifest);
    assert.equal(missing.status, 400);
    assert.equal(errorCode(missing), 'MANIFEST_BLOB_UNKNOWN');
    for (const b of imageBlobs(img)) await pushBlob(url, 'push/m', b);
    const huge: Blob = { ...img.manifest, data: Buffer.alloc(4 * 1024 * 1024 + 1, 32) };
    const big = await pushManifest(url, 'push/m', 'v1', huge);
    assert.equal(big.status, 413);
    assert.equal(errorCode(big), 'SIZE_INVALID');
    const notJson = await pushManifest(url, 'push/m', 'v1', { ...img.manifest, data: Buffer.from('{nope') });
    assert.equal(errorCode(notJson), 'MANIFEST_INVALID');
    const unknownType = await call(url, 'PUT', '/v2/push/m/manifests/v1', {
      headers: { 'Content-Type': 'application/x-foo' },
      body: img.manifest.data,
    });
    assert.equal(errorCode(unknownType), 'MANIFEST_INVALID');
    const wrongDigest = await pushManifest(url, 'push/m', sha256(Buffer.from('x')), img.manifest);
    assert.equal(errorCode(wrongDigest), 'DIGEST_INVALID');
    assert.equal(errorCode(await pushManifest(url, 'push/UPPER', 'v1', img.manifest)), 'NAME_INVALID');
    assert.equal(errorCode(await pushManifest(url, 'push/m', '.bad', img.manifest)), 'MANIFEST_INVALID');
    const ok = await pushManifest(url, 'push/m', img.manifest.digest, img.manifest);
    assert.equal(ok.status, 201);
    assert.equal(ok.headers['docker-content-digest'], img.manifest.digest);
  });

  test('a manifest sent without a length is refused at the size cap with 413, not a reset', async () => {
    // Chunked transfer encoding: the cap is found mid-body, and the rest must still be drained.
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/v2/push/m/manifests/chunked`, {
        method: 'PUT',
        headers: { 'Content-Type': OCI_MANIFEST },
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      const piece = Buffer.alloc(256 * 1024, 32);
      for (let i = 0; i < 20; i++) req.write(piece);
      req.end();
    });
    assert.equal(r.status, 413, r.body);
    assert.equal(JSON.parse(r.body).errors[0].code, 'SIZE_INVALID');
  });

  test('cross-repository mount: 201 when the source has the blob, else a new upload (202)', async () => {
    const img = await pushImage('mount/src', 'v1');
    const layer = img.layers[0]!;
    const m = await call(url, 'POST', `/v2/mount/dst/blobs/uploads/?mount=${layer.digest}&from=mount/src`);
    assert.equal(m.status, 201);
    assert.equal(m.headers.location, `/v2/mount/dst/blobs/${layer.digest}`);
    assert.equal((await call(url, 'HEAD', `/v2/mount/dst/blobs/${layer.digest}`)).status, 200);
    const miss = await call(
      url,
      'POST',
      `/v2/mount/dst/blobs/uploads/?mount=${sha256(Buffer.from('no'))}&from=mount/src`,
    );
    assert.equal(miss.status, 202);
    assert.match(miss.headers.location as string, /uploads\//);
  });

  test('concurrent pushes of one tag: every push lands, the tag points at one of them', async () => {
    const imgs = Array.from({ length: 8 }, () => makeImage({ layers: 1, layerSize: 64 }));
    for (const img of imgs) for (const b of imageBlobs(img)) await pushBlob(url, 'push/race', b);
    const results = await Promise.all(
      imgs.map((img) => pushManifest(url, 'push/race', 'latest', img.manifest)),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      imgs.map(() => 201),
    );
    const got = await call(url, 'GET', '/v2/push/race/manifests/latest');
    assert.ok(imgs.some((i) => i.manifest.digest === got.headers['docker-content-digest']));
    for (const img of imgs)
      assert.equal((await call(url, 'HEAD', `/v2/push/race/manifests/${img.manifest.digest}`)).status, 200);
  });
});

describe('discovery and deletion', () => {
  test('tags list and catalog paginate with n/last and a Link header', async () => {
    const img = await pushImage('list/app', 'c');
    for (const t of ['a', 'b', 'd'])
      assert.equal((await pushManifest(url, 'list/app', t, img.manifest)).status, 201);
    const p1 = await call(url, 'GET', '/v2/list/app/tags/list?n=2');
    assert.deepEqual(JSON.parse(p1.body.toString()), { name: 'list/app', tags: ['a', 'b'] });
    assert.equal(p1.headers.link, '</v2/list/app/tags/list?n=2&last=b>; rel="next"');
    const p2 = await call(url, 'GET', '/v2/list/app/tags/list?n=2&last=b');
    assert.deepEqual(JSON.parse(p2.body.toString()).tags, ['c', 'd']);
    assert.equal(p2.headers.link, undefined);
    const zero = await call(url, 'GET', '/v2/list/app/tags/list?n=0');
    assert.deepEqual(JSON.parse(zero.body.toString()).tags, []);
    assert.equal(zero.headers.link, undefined);
    assert.equal(errorCode(await call(url, 'GET', '/v2/list/none/tags/list')), 'NAME_UNKNOWN');
    assert.equal((await call(url, 'GET', '/v2/list/app/tags/list?n=x')).status, 400);
    const cat = JSON.parse((await call(url, 'GET', '/v2/_catalog')).body.toString()) as {
      repositories: string[];
    };
    assert.ok(cat.repositories.includes('list/app'));
    assert.deepEqual(cat.repositories, [...cat.repositories].sort());
    const c1 = await call(url, 'GET', '/v2/_catalog?n=1');
    assert.equal(JSON.parse(c1.body.toString()).repositories.length, 1);
    assert.match(c1.headers.link as string, /^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/);
  });

  test('referrers: subject acknowledged with OCI-Subject, listed, filtered by artifactType', async () => {
    const img = await pushImage('ref/app', 'v1');
    const sbom = makeImage({ layers: 1, layerSize: 10 });
    for (const b of imageBlobs(sbom)) await pushBlob(url, 'ref/app', b);
    const doc = JSON.parse(sbom.manifest.data.toString()) as Record<string, unknown>;
    doc.artifactType = 'application/vnd.example.sbom';
    doc.subject = { mediaType: OCI_MANIFEST, digest: img.manifest.digest, size: img.manifest.size };
    doc.annotations = { 'org.example': 'yes' };
    const data = Buffer.from(JSON.stringify(doc));
    const put = await pushManifest(url, 'ref/app', sha256(data), {
      ...sbom.manifest,
      data,
      digest: sha256(data),
      size: data.length,
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers['oci-subject'], img.manifest.digest);
    const r = await call(url, 'GET', `/v2/ref/app/referrers/${img.manifest.digest}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], OCI_INDEX);
    assert.deepEqual(JSON.parse(r.body.toString()), {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: sha256(data),
          size: data.length,
          artifactType: 'application/vnd.example.sbom',
          annotations: { 'org.example': 'yes' },
        },
      ],
    });
    const filtered = await call(
      url,
      'GET',
      `/v2/ref/app/referrers/${img.manifest.digest}?artifactType=application/other`,
    );
    assert.equal(filtered.headers['oci-filters-applied'], 'artifactType');
    assert.deepEqual(JSON.parse(filtered.body.toString()).manifests, []);
    const none = await call(url, 'GET', `/v2/ref/app/referrers/${sha256(Buffer.from('nothing'))}`);
    assert.equal(none.status, 200);
    assert.equal((await call(url, 'GET', '/v2/ref/app/referrers/sha256:bad')).status, 400);
  });

  test('delete: tag (202, manifest stays), manifest by digest, index child refused, blob', async () => {
    const img = await pushImage('del/app', 'v1');
    await pushManifest(url, 'del/app', 'v2', img.manifest);
    assert.equal((await call(url, 'DELETE', '/v2/del/app/manifests/v2')).status, 202);
    assert.equal((await call(url, 'GET', '/v2/del/app/manifests/v2')).status, 404);
    assert.equal((await call(url, 'GET', `/v2/del/app/manifests/${img.manifest.digest}`)).status, 200);
    const idx = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: img.manifest.digest, size: img.manifest.size }],
      }),
    );
    const idxBlob: Blob = { mediaType: OCI_INDEX, digest: sha256(idx), size: idx.length, data: idx };
    assert.equal((await pushManifest(url, 'del/app', 'multi', idxBlob)).status, 201);
    const refused = await call(url, 'DELETE', `/v2/del/app/manifests/${img.manifest.digest}`);
    assert.equal(refused.status, 409);
    assert.equal(errorCode(refused), 'DENIED');
    assert.equal((await call(url, 'DELETE', `/v2/del/app/manifests/${idxBlob.digest}`)).status, 202);
    assert.equal((await call(url, 'DELETE', `/v2/del/app/manifests/${img.manifest.digest}`)).status, 202);
    assert.equal((await call(url, 'GET', '/v2/del/app/manifests/v1')).status, 404, 'its tags went with it');
    assert.equal(
      errorCode(await call(url, 'DELETE', `/v2/del/app/manifests/${img.manifest.digest}`)),
      'MANIFEST_UNKNOWN',
    );
    const layer = img.layers[0]!.digest;
    assert.equal((await call(url, 'DELETE', `/v2/del/app/blobs/${layer}`)).status, 202);
    assert.equal(errorCode(await call(url, 'GET', `/v2/del/app/blobs/${layer}`)), 'BLOB_UNKNOWN');
    assert.equal(errorCode(await call(url, 'DELETE', `/v2/del/app/blobs/${layer}`)), 'BLOB_UNKNOWN');
  });
});

test('the authorizer sees the access each request needs and its refusal is sent as is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-auth-'));
  const seen: string[] = [];
  const r = await openRegistry({
    root: dir,
    authorize: (_req, access) => {
      seen.push(access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' '));
      return {
        allowed: false,
        error: new RegistryError('UNAUTHORIZED', undefined, {
          headers: { 'WWW-Authenticate': 'Bearer realm="https://auth.example/token",service="berth"' },
        }),
      };
    },
  });
  const u = await r.listen({ host: '127.0.0.1', port: 0 });
  try {
    const base = await call(u, 'GET', '/v2/');
    assert.equal(base.status, 401);
    assert.equal(
      base.headers['www-authenticate'],
      'Bearer realm="https://auth.example/token",service="berth"',
    );
    await call(u, 'POST', '/v2/ns/app/blobs/uploads/');
    await call(u, 'GET', '/v2/_catalog');
    await call(u, 'DELETE', '/v2/ns/app/manifests/v1');
    assert.deepEqual(seen, [
      '',
      'repository:ns/app:pull,push',
      'registry:catalog:*',
      'repository:ns/app:delete',
    ]);
  } finally {
    await r.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
