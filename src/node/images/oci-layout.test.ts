import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  ANNOTATION_CONTAINERD_NAME,
  ANNOTATION_REF_NAME,
  ociArchive,
  refTag,
  sha256,
  writeOciLayout,
} from './oci-layout.ts';
import type { ImageRecipe } from './oci-layout.ts';
import { ensureLocalImages } from './local-images.ts';
import { findStaticBusybox, isStaticElf } from './recipes.ts';

const tmp = mkdtempSync(join(tmpdir(), 'berth-oci-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const recipe: ImageRecipe = {
  ref: 'example.test:5000/team/app:v1',
  entries: [
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/motd', data: Buffer.from('hello\n') },
  ],
  config: { Cmd: ['cat', '/etc/motd'] },
  createdBy: 'test',
};

function readJson(dir: string, digest: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as Record<
    string,
    unknown
  >;
}

describe('writeOciLayout', () => {
  test('the layout links index → manifest → config + layer by digest', () => {
    const dir = join(tmp, 'a');
    const built = writeOciLayout(dir, recipe);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, built.manifestDigest);
    assert.equal(index.manifests[0].annotations[ANNOTATION_CONTAINERD_NAME], recipe.ref);
    assert.equal(index.manifests[0].annotations[ANNOTATION_REF_NAME], 'v1');
    const manifest = readJson(dir, built.manifestDigest) as {
      config: { digest: string };
      layers: Array<{ digest: string; size: number }>;
    };
    assert.equal(manifest.config.digest, built.configDigest);
    assert.equal(manifest.layers[0].digest, built.layerDigest);
    const layer = readFileSync(join(dir, 'blobs', 'sha256', built.layerDigest.slice(7)));
    assert.equal(manifest.layers[0].size, layer.length);
    assert.equal(sha256(gunzipSync(layer)), built.diffId, 'diff_id is the digest of the uncompressed tar');
    const config = readJson(dir, built.configDigest) as { rootfs: { diff_ids: string[] }; config: unknown };
    assert.deepEqual(config.rootfs.diff_ids, [built.diffId]);
    assert.deepEqual(config.config, recipe.config);
    for (const d of [built.manifestDigest, built.configDigest, built.layerDigest]) {
      assert.equal(
        sha256(readFileSync(join(dir, 'blobs', 'sha256', d.slice(7)))),
        d,
        'blob named by its digest',
      );
    }
  });

  test('reproducible: a second build elsewhere has the same digests and archive bytes', () => {
    const a = writeOciLayout(join(tmp, 'r1'), recipe);
    const b = writeOciLayout(join(tmp, 'r2'), recipe);
    assert.deepEqual({ ...a, dir: '' }, { ...b, dir: '' });
    assert.ok(ociArchive(a.dir).equals(ociArchive(b.dir)));
  });

  test('refTag', () => {
    const cases: Array<[string, string]> = [
      ['docker.io/library/busybox:1.35', '1.35'],
      ['registry:5000/app', 'latest'],
      ['registry:5000/app:v2', 'v2'],
    ];
    for (const [ref, want] of cases) assert.equal(refTag(ref), want, ref);
  });
});

describe('local images', () => {
  let busybox: string | undefined;
  try {
    busybox = findStaticBusybox();
  } catch {
    busybox = undefined;
  }

  test(
    'isStaticElf tells busybox-static from a dynamic binary',
    { skip: !busybox && 'busybox-static not installed' },
    () => {
      assert.equal(isStaticElf(busybox!), true);
      assert.equal(isStaticElf(process.execPath), false);
    },
  );

  test(
    'ensureLocalImages builds once, then reuses the cache',
    { skip: !busybox && 'busybox-static not installed' },
    () => {
      const cacheDir = join(tmp, 'cache');
      const first = ensureLocalImages({ cacheDir });
      const mtime = statSync(join(cacheDir, 'busybox', 'index.json')).mtimeMs;
      const second = ensureLocalImages({ cacheDir });
      assert.deepEqual(second, first);
      assert.equal(statSync(join(cacheDir, 'busybox', 'index.json')).mtimeMs, mtime, 'not rebuilt');
      assert.ok(existsSync(join(first.busybox.dir, 'oci-layout')));
      assert.notEqual(first.pause.manifestDigest, first.busybox.manifestDigest);
    },
  );

  test('a dynamic busybox is refused with the package to install', () => {
    assert.throws(
      () => findStaticBusybox([process.execPath]),
      /dynamically linked: apt-get install busybox-static/,
    );
    assert.throws(() => findStaticBusybox(['/nonexistent/busybox']), /apt-get install busybox-static/);
  });
});
