/**
 * The image repository with the real skopeo: push and pull of OCI images, Docker schema 2 images and
 * a two-platform index over TLS (trusting the registry's own CA through --cert-dir), inspect,
 * list-tags, delete; raw-protocol faults against the same process (an interrupted chunked upload
 * resumed, a wrong digest, a manifest naming a missing blob); and `berth registry gc` run while the
 * registry serves, deleting exactly the unreferenced blobs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthAvailable, berthBin, repoRoot } from '../helpers/server.ts';
import {
  call,
  errorCode,
  haveSkopeo,
  imageBlobs,
  makeImage,
  makeIndex,
  pushBlob,
  pushManifest,
  sha256,
  skopeo,
  startBerthRegistry,
  writeOciLayout,
  type RegistryProcess,
} from './registry-fixtures.ts';

const skip = !berthAvailable()
  ? 'berth CLI not built'
  : !haveSkopeo()
    ? 'skopeo not installed (apt-get install skopeo)'
    : false;

describe('registry with skopeo', { skip }, () => {
  let tmp: string;
  let reg: RegistryProcess;
  let certDir: string;
  let failed = false;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'berth-registry-e2e-'));
    reg = await startBerthRegistry(join(tmp, 'data'));
    certDir = join(tmp, 'certs');
    mkdirSync(certDir);
    copyFileSync(join(tmp, 'data', 'registry', 'tls', 'ca.crt'), join(certDir, 'ca.crt'));
  });
  after(async () => {
    if (failed || process.env.BERTH_TEST_LOGS === '1')
      process.stderr.write(`--- registry log ---\n${reg?.logs()}\n`);
    await reg?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  const tls = (dir: 'src' | 'dest' | '') =>
    dir === '' ? `--cert-dir=${certDir}` : `--${dir}-cert-dir=${certDir}`;
  const ref = (repoTag: string) => `docker://${reg.host}/${repoTag}`;
  const check = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failed = true;
      throw err;
    }
  };

  test('push an OCI image, inspect it, list tags, pull it back byte for byte', () =>
    check(async () => {
      const img = makeImage({ layers: 3, layerSize: 300_000 });
      writeOciLayout(join(tmp, 'src'), 'v1', img.manifest, imageBlobs(img));
      await skopeo('copy', tls('dest'), `oci:${join(tmp, 'src')}:v1`, ref('ns/app:v1'));
      await skopeo('copy', tls('dest'), `oci:${join(tmp, 'src')}:v1`, ref('ns/app:v1.0'));
      const info = JSON.parse(await skopeo('inspect', tls(''), ref('ns/app:v1'))) as Record<string, unknown>;
      assert.equal(info.Digest, img.manifest.digest);
      assert.deepEqual(
        info.Layers,
        img.layers.map((l) => l.digest),
      );
      assert.equal(info.Architecture, 'amd64');
      const tags = JSON.parse(await skopeo('list-tags', tls(''), `docker://${reg.host}/ns/app`)) as {
        Tags: string[];
      };
      assert.deepEqual(tags.Tags, ['v1', 'v1.0']);
      await skopeo('copy', tls('src'), ref('ns/app:v1'), `oci:${join(tmp, 'back')}:v1`);
      const back = JSON.parse(readFileSync(join(tmp, 'back', 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      assert.equal(back.manifests[0]!.digest, img.manifest.digest);
      for (const b of imageBlobs(img)) {
        assert.deepEqual(readFileSync(join(tmp, 'back', 'blobs', 'sha256', b.digest.slice(7))), b.data);
      }
    }));

  test('push and pull a two-platform index with --all; the index comes back unchanged', () =>
    check(async () => {
      const { images, index } = makeIndex({ layers: 2, layerSize: 50_000 });
      const all = images.flatMap((i) => [i.manifest, ...imageBlobs(i)]);
      writeOciLayout(join(tmp, 'multi'), 'multi', index, all);
      await skopeo('copy', '--all', tls('dest'), `oci:${join(tmp, 'multi')}:multi`, ref('ns/multi:1'));
      const raw = await skopeo('inspect', '--raw', tls(''), ref('ns/multi:1'));
      assert.equal(sha256(Buffer.from(raw)), index.digest);
      // Platform selection walks the index to the arm64 image and its config.
      const arm = JSON.parse(
        await skopeo('--override-arch=arm64', 'inspect', tls(''), ref('ns/multi:1')),
      ) as {
        Architecture: string;
        Layers: string[];
      };
      assert.equal(arm.Architecture, 'arm64');
      assert.deepEqual(
        arm.Layers,
        images[1]!.layers.map((l) => l.digest),
      );
      await skopeo('copy', '--all', tls('src'), ref('ns/multi:1'), `oci:${join(tmp, 'multi-back')}:m`);
      const back = JSON.parse(readFileSync(join(tmp, 'multi-back', 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      assert.equal(back.manifests[0]!.digest, index.digest);
      for (const b of all)
        assert.ok(existsSync(join(tmp, 'multi-back', 'blobs', 'sha256', b.digest.slice(7))), b.digest);
    }));

  test('a Docker schema 2 push (--format v2s2) is stored and served as Docker', () =>
    check(async () => {
      const img = makeImage({ layers: 1, layerSize: 20_000 });
      writeOciLayout(join(tmp, 'v2s2'), 'v1', img.manifest, imageBlobs(img));
      await skopeo(
        'copy',
        '--format',
        'v2s2',
        tls('dest'),
        `oci:${join(tmp, 'v2s2')}:v1`,
        ref('ns/docker:v1'),
      );
      const raw = JSON.parse(await skopeo('inspect', '--raw', tls(''), ref('ns/docker:v1'))) as {
        mediaType: string;
      };
      assert.equal(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      const ociOnly = await call(reg.url, 'GET', '/v2/ns/docker/manifests/v1', {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(ociOnly.status, 404);
      assert.equal(errorCode(ociOnly), 'MANIFEST_UNKNOWN');
      await skopeo('copy', tls('src'), ref('ns/docker:v1'), `oci:${join(tmp, 'v2s2-back')}:v1`);
    }));

  test('skopeo delete removes the manifest and its tags', () =>
    check(async () => {
      const img = makeImage({ layers: 1, layerSize: 1000 });
      writeOciLayout(join(tmp, 'del'), 'v1', img.manifest, imageBlobs(img));
      await skopeo('copy', tls('dest'), `oci:${join(tmp, 'del')}:v1`, ref('ns/del:v1'));
      await skopeo('copy', tls('dest'), `oci:${join(tmp, 'del')}:v1`, ref('ns/del:keep'));
      await skopeo('delete', tls(''), ref('ns/del:v1'));
      const tags = JSON.parse(await skopeo('list-tags', tls(''), `docker://${reg.host}/ns/del`)) as {
        Tags: string[];
      };
      assert.deepEqual(tags.Tags, [], 'deleting by digest removed every tag pointing at it');
      await assert.rejects(skopeo('inspect', tls(''), ref('ns/del:v1')), /manifest unknown/i);
    }));

  test('an interrupted chunked upload resumes from the offset the registry reports', () =>
    check(async () => {
      const data = Buffer.alloc(3 * 1024 * 1024, 'x');
      const start = await call(reg.url, 'POST', '/v2/ns/resume/blobs/uploads/', {
        headers: { 'Content-Length': 0 },
      });
      assert.equal(start.status, 202);
      const loc = start.headers.location as string;
      // Send 1 MiB of a 3 MiB chunk, then drop the connection.
      await new Promise<void>((resolve) => {
        const req = request(new URL(loc, reg.url), {
          method: 'PATCH',
          rejectUnauthorized: false,
          headers: { 'Content-Range': `0-${data.length - 1}`, 'Content-Length': data.length },
        });
        req.on('error', () => resolve());
        req.write(data.subarray(0, 1024 * 1024), () => setTimeout(() => req.destroy(), 200));
      });
      let range = '';
      for (let i = 0; i < 100 && range !== `0-${1024 * 1024 - 1}`; i++) {
        const st = await call(reg.url, 'GET', loc);
        assert.equal(st.status, 204);
        range = st.headers.range as string;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(range, `0-${1024 * 1024 - 1}`);
      const offset = Number(range.split('-')[1]) + 1;
      const rest = await call(reg.url, 'PATCH', loc, {
        headers: {
          'Content-Range': `${offset}-${data.length - 1}`,
          'Content-Type': 'application/octet-stream',
        },
        body: data.subarray(offset),
      });
      assert.equal(rest.status, 202);
      assert.equal(rest.headers.range, `0-${data.length - 1}`);
      const fin = await call(reg.url, 'PUT', `${loc}?digest=${sha256(data)}`);
      assert.equal(fin.status, 201, fin.body.toString());
      const got = await call(reg.url, 'GET', `/v2/ns/resume/blobs/${sha256(data)}`);
      assert.equal(sha256(got.body), sha256(data));
    }));

  test('a wrong digest and a manifest naming a missing blob are refused; nothing is stored', () =>
    check(async () => {
      const blobsDir = join(reg.dataDir, 'registry', 'blobs');
      const count = () => readdirSync(blobsDir, { recursive: true }).length;
      const before = count();
      const data = Buffer.from('the real bytes');
      const claimed = sha256(Buffer.from('other bytes'));
      const r = await call(reg.url, 'POST', `/v2/ns/faults/blobs/uploads/?digest=${claimed}`, { body: data });
      assert.equal(r.status, 400);
      assert.equal(errorCode(r), 'DIGEST_INVALID');
      assert.equal(count(), before);
      const img = makeImage({ layers: 2, layerSize: 100 });
      await pushBlob(reg.url, 'ns/faults', img.config);
      await pushBlob(reg.url, 'ns/faults', img.layers[0]!);
      const m = await pushManifest(reg.url, 'ns/faults', 'v1', img.manifest);
      assert.equal(m.status, 400);
      assert.equal(errorCode(m), 'MANIFEST_BLOB_UNKNOWN');
      assert.match(m.body.toString(), new RegExp(img.layers[1]!.digest));
      assert.equal((await call(reg.url, 'GET', '/v2/ns/faults/manifests/v1')).status, 404);
    }));

  test('berth registry gc, run while serving, deletes exactly the unreferenced blobs', () =>
    check(async () => {
      // Its own registry, so other tests' leftovers are not candidates.
      const own = await startBerthRegistry(join(tmp, 'gc-data'));
      try {
        const kept = makeImage({ layers: 2, layerSize: 1000 });
        const dropped = makeImage({ layers: 2, layerSize: 1000 });
        for (const b of [...imageBlobs(kept), ...imageBlobs(dropped)]) await pushBlob(own.url, 'gc/app', b);
        await pushManifest(own.url, 'gc/app', 'kept', kept.manifest);
        await pushManifest(own.url, 'gc/app', 'dropped', dropped.manifest);
        const orphan = Buffer.from('a blob no manifest ever referenced');
        await pushBlob(own.url, 'gc/app', {
          mediaType: 'x',
          digest: sha256(orphan),
          size: orphan.length,
          data: orphan,
        });
        assert.equal(
          (await call(own.url, 'DELETE', `/v2/gc/app/manifests/${dropped.manifest.digest}`)).status,
          202,
        );

        const gc = (...extra: string[]) =>
          spawnSync(berthBin, ['registry', 'gc', '--data-dir', own.dataDir, '--grace', '0s', ...extra], {
            cwd: repoRoot,
            encoding: 'utf8',
          });
        const unreferenced = [...imageBlobs(dropped).map((b) => b.digest), sha256(orphan)].sort();
        const deletedIn = (out: string) =>
          [...out.matchAll(/delete(?:d)? blob (\S+)/g)].map((m) => m[1]).sort();
        const blobPath = (d: string) =>
          join(own.dataDir, 'registry', 'blobs', 'sha256', d.slice(7, 9), d.slice(7));

        const dry = gc('--dry-run');
        assert.equal(dry.status, 0, dry.stderr);
        assert.deepEqual(deletedIn(dry.stdout), unreferenced, dry.stdout);
        assert.ok(existsSync(blobPath(sha256(orphan))), 'a dry run deletes nothing');
        const real = gc();
        assert.equal(real.status, 0, real.stderr);
        assert.deepEqual(deletedIn(real.stdout), unreferenced, real.stdout);
        for (const d of unreferenced) assert.equal(existsSync(blobPath(d)), false, d);
        for (const b of imageBlobs(kept)) assert.ok(existsSync(blobPath(b.digest)), b.digest);
        // The registry, still running, serves the kept image whole.
        await skopeo(
          'copy',
          '--src-tls-verify=false',
          `docker://${own.host}/gc/app:kept`,
          `oci:${join(tmp, 'gc-back')}:kept`,
        );
        assert.deepEqual(deletedIn(gc().stdout), [], 'a second run finds nothing');
      } finally {
        await own.stop();
      }
    }));
});
