/**
 * The image repository on a full disk: `berth registry serve` stores in an 8 MiB tmpfs, an image is
 * pushed, then blobs until the volume is full. Every refused write — a monolithic blob push, a
 * chunked PATCH, a manifest PUT while the disk is full — is answered with the spec's JSON error body
 * (507, code UNKNOWN, as distribution answers ENOSPC with UNKNOWN), nothing half-written becomes
 * visible (every file under blobs/ hashes to its name; no upload file is left once the failed upload is
 * cancelled; the manifest PUT left no tag), the first image still pulls byte for byte, and the
 * registry keeps serving. Deleting the filler blobs and running `berth registry gc` frees the space;
 * a new image then pushes and pulls.
 * With a free-space reserve (`--storage-reserve`, a second tmpfs), uploads are refused with the
 * same answer as soon as they would eat into the reserve: the volume keeps that much free, a
 * manifest (a database write) still goes in, nothing of a refused chunk is written, a new upload
 * session is refused while something else holds the volume below the reserve and accepted again
 * once it is freed.
 * Needs root (mount); skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthAvailable } from '../helpers/server.ts';
import {
  berth,
  call,
  errorCode,
  imageBlobs,
  makeImage,
  pushBlob,
  pushManifest,
  sha256,
  startBerthRegistry,
  type Image,
  type RawResponse,
  type RegistryProcess,
} from './registry-fixtures.ts';

const skip = !berthAvailable()
  ? 'berth CLI not built'
  : process.getuid?.() !== 0
    ? 'needs root to mount a tmpfs'
    : false;

const MiB = 1024 * 1024;

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** A JSON error body with a code, and a 5xx status: what a full disk must produce. */
function assertNoSpaceAnswer(r: RawResponse, what: string): void {
  assert.ok(r.status >= 500 && r.status < 600, `${what}: status ${r.status} ${r.body.toString()}`);
  assert.match(String(r.headers['content-type']), /application\/json/, what);
  assert.equal(errorCode(r), 'UNKNOWN', `${what}: ${r.body.toString()}`);
  assert.match(r.body.toString(), /no space left/, what);
}

/**
 * Opens a chunked upload in `repo` and runs `fn` with its location; afterwards the upload is
 * cancelled if it is still open, also when `fn` failed: a test that failed with its upload open
 * must not leave its bytes on the small volume, or the next test fails on the full disk instead of
 * on its own. (A second DELETE after the test's own answers 404, which is ignored, as is a failure
 * of a registry that is gone: the test's own outcome stands.)
 */
async function withUpload(url: string, repo: string, fn: (loc: string) => Promise<void>): Promise<void> {
  const start = await call(url, 'POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'Content-Length': 0 } });
  assert.equal(start.status, 202, start.body.toString());
  const loc = start.headers.location as string;
  try {
    await fn(loc);
  } finally {
    await call(url, 'DELETE', loc).catch(() => undefined);
  }
}

/** A registry serving from a tmpfs of `size` mounted for the describe, unmounted at its end. */
interface TmpfsRegistry {
  /** The mount point (the registry's data dir). */
  readonly mnt: string;
  readonly reg: RegistryProcess;
}

/** Registers hooks that mount a tmpfs of `size` and start `berth registry serve` on it with `args`. */
function useTmpfsRegistry(prefix: string, size: string, args: string[]): TmpfsRegistry {
  let tmp = '';
  let mnt = '';
  let mounted = false;
  let reg: RegistryProcess | undefined;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), prefix));
    mnt = join(tmp, 'data');
    mkdirSync(mnt);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt], { encoding: 'utf8' });
    assert.equal(m.status, 0, `mount: ${m.stderr}`);
    mounted = true;
    reg = await startBerthRegistry(mnt, { plainHttp: true, args });
  });
  after(async () => {
    await reg?.stop();
    if (mounted) spawnSync('umount', [mnt]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  return {
    get mnt() {
      return mnt;
    },
    get reg() {
      if (!reg) throw new Error('registry not started');
      return reg;
    },
  };
}

describe('registry on a full disk', { skip }, () => {
  // No reserve: this part is about the volume's last byte (the reserve has its own part below).
  const disk = useTmpfsRegistry('berth-registry-disk-', '8m', ['--storage-reserve', '0']);
  const first = makeImage({ layers: 2, layerSize: 512 * 1024 });
  const fillers: string[] = [];
  let reg: RegistryProcess;
  let root: string;
  before(() => {
    reg = disk.reg;
    root = join(disk.mnt, 'registry');
  });

  /** Every blob file hashes to its name: no partial blob is ever visible. */
  function assertBlobsIntact(): void {
    for (const f of filesUnder(join(root, 'blobs'))) {
      const hex = f.split('/').pop()!;
      const actual = createHash('sha256').update(readFileSync(f)).digest('hex');
      assert.equal(actual, hex, `blob file ${f} does not match its name`);
    }
  }

  /** Pulls `img` by tag and checks the manifest and every blob byte for byte. */
  async function assertPulls(repo: string, tag: string, img: Image): Promise<void> {
    const m = await call(reg.url, 'GET', `/v2/${repo}/manifests/${tag}`, {
      headers: { Accept: img.manifest.mediaType },
    });
    assert.equal(m.status, 200, `${repo}:${tag} ${m.body.toString()}`);
    assert.equal(m.headers['docker-content-digest'], img.manifest.digest);
    assert.equal(sha256(m.body), img.manifest.digest);
    for (const b of imageBlobs(img)) {
      const r = await call(reg.url, 'GET', `/v2/${repo}/blobs/${b.digest}`);
      assert.equal(r.status, 200, `${repo} blob ${b.digest}`);
      assert.equal(sha256(r.body), b.digest);
    }
  }

  async function pushImage(repo: string, tag: string, img: Image): Promise<void> {
    for (const b of imageBlobs(img)) {
      const r = await pushBlob(reg.url, repo, b);
      assert.equal(r.status, 201, `blob push ${r.status} ${r.body.toString()}`);
    }
    const r = await pushManifest(reg.url, repo, tag, img.manifest);
    assert.equal(r.status, 201, `manifest push ${r.status} ${r.body.toString()}`);
  }

  test('a push that fills the disk is refused cleanly and the registry keeps serving', async () => {
    await pushImage('app/first', 'v1', first);

    // Monolithic pushes of 1.5 MiB blobs until one does not fit.
    let refused: RawResponse | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const data = randomBytes(1.5 * MiB);
      const b = { mediaType: 'application/octet-stream', digest: sha256(data), size: data.length, data };
      const r = await pushBlob(reg.url, 'fill/blobs', b);
      if (r.status === 201) fillers.push(b.digest);
      else refused = r;
    }
    assert.ok(refused, 'an 8 MiB volume took 15 MiB of blobs');
    assertNoSpaceAnswer(refused, 'monolithic push');
    assert.ok(fillers.length >= 2, `only ${fillers.length} filler blobs fitted`);
    assert.deepEqual(readdirSync(join(root, 'uploads')), [], 'the refused upload left its file behind');
    assertBlobsIntact();

    // A chunked upload: the PATCH that hits the end of the disk is refused; what fitted stays
    // (resumable, as distribution keeps it) until the client cancels.
    await withUpload(reg.url, 'fill/chunked', async (loc) => {
      const patch = await call(reg.url, 'PATCH', loc, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: randomBytes(48 * MiB),
      });
      assertNoSpaceAnswer(patch, 'chunked PATCH');
      const status = await call(reg.url, 'GET', loc);
      assert.equal(status.status, 204, status.body.toString());
      const kept = Number(/^0-(\d+)$/.exec(String(status.headers.range))?.[1]) + 1;
      assert.ok(kept > 0 && kept < 8 * MiB, `upload status Range ${String(status.headers.range)}`);

      // Reads go on while the disk is full.
      assert.equal((await call(reg.url, 'GET', '/v2/')).status, 200);
      await assertPulls('app/first', 'v1', first);

      const cancel = await call(reg.url, 'DELETE', loc);
      assert.equal(cancel.status, 204, cancel.body.toString());
    });
    assert.deepEqual(readdirSync(join(root, 'uploads')), [], 'the cancelled upload left its file behind');
    assertBlobsIntact();
    await assertPulls('app/first', 'v1', first);
  });

  test('a manifest push on a full disk is answered with the JSON error and stores nothing', async () => {
    // Fill to the last byte with an upload that stays open (its bytes are kept for a resume).
    await withUpload(reg.url, 'fill/chunked', async (loc) => {
      const patch = await call(reg.url, 'PATCH', loc, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: randomBytes(48 * MiB),
      });
      assertNoSpaceAnswer(patch, 'chunked PATCH');

      // A manifest for blobs already stored: only the metadata write needs space. Big annotations
      // make sure it needs more pages than the database has free.
      const doc = JSON.parse(first.manifest.data.toString()) as Record<string, unknown>;
      doc.annotations = { filler: randomBytes(256 * 1024).toString('hex') };
      const data = Buffer.from(JSON.stringify(doc));
      const r = await pushManifest(reg.url, 'app/first', 'big', {
        mediaType: first.manifest.mediaType,
        digest: sha256(data),
        size: data.length,
        data,
      });
      assertNoSpaceAnswer(r, 'manifest PUT');
      const tag = await call(reg.url, 'GET', '/v2/app/first/manifests/big', {
        headers: { Accept: first.manifest.mediaType },
      });
      assert.equal(tag.status, 404, 'a refused manifest push left its tag');
      assert.equal((await call(reg.url, 'GET', '/v2/')).status, 200);
      await assertPulls('app/first', 'v1', first);

      const cancel = await call(reg.url, 'DELETE', loc);
      assert.equal(cancel.status, 204, cancel.body.toString());
    });
    assert.deepEqual(readdirSync(join(root, 'uploads')), []);
  });

  test('after delete and gc, a new image pushes and pulls', async () => {
    for (const d of fillers) {
      const r = await call(reg.url, 'DELETE', `/v2/fill/blobs/blobs/${d}`);
      assert.equal(r.status, 202, `delete ${d}: ${r.body.toString()}`);
    }
    const before = statSync(join(root, 'blobs')).isDirectory() ? filesUnder(join(root, 'blobs')).length : 0;
    await berth('registry', 'gc', '--data-dir', disk.mnt, '--grace', '0s');
    const remaining = filesUnder(join(root, 'blobs')).map((f) => `sha256:${f.split('/').pop()!}`);
    assert.equal(remaining.length, before - fillers.length, 'gc did not remove exactly the fillers');
    for (const d of fillers) assert.ok(!remaining.includes(d), `filler ${d} survived gc`);
    assertBlobsIntact();

    const next = makeImage({ layers: 3, layerSize: 1024 * 1024 });
    await pushImage('app/next', 'v1', next);
    await assertPulls('app/next', 'v1', next);
    await assertPulls('app/first', 'v1', first);
  });
});

describe('registry with a free-space reserve', { skip }, () => {
  const disk = useTmpfsRegistry('berth-registry-reserve-', '16m', ['--storage-reserve', '4Mi']);
  const reserve = 4 * MiB;
  const img = makeImage({ layers: 2, layerSize: 512 * 1024 });
  let reg: RegistryProcess;
  let mnt: string;
  before(() => {
    reg = disk.reg;
    mnt = disk.mnt;
  });
  const free = (): number => {
    const s = statfsSync(mnt);
    return s.bavail * s.bsize;
  };

  test('a new session is refused while the volume is below the reserve, accepted once it is not', async () => {
    // Something else (not the registry) takes the volume below the reserve.
    const hog = join(mnt, 'hog');
    writeFileSync(hog, Buffer.alloc(Math.max(0, free() - reserve + MiB)));
    try {
      const r = await call(reg.url, 'POST', '/v2/fill/again/blobs/uploads/', {
        headers: { 'Content-Length': 0 },
      });
      assertNoSpaceAnswer(r, 'upload session below the reserve');
      assert.equal((await call(reg.url, 'GET', '/v2/')).status, 200, 'reads go on');
    } finally {
      rmSync(hog);
    }
    const r = await call(reg.url, 'POST', '/v2/fill/again/blobs/uploads/', {
      headers: { 'Content-Length': 0 },
    });
    assert.equal(r.status, 202, r.body.toString());
    assert.equal((await call(reg.url, 'DELETE', r.headers.location as string)).status, 204);
  });

  test('uploads stop at the reserve; the reserve stays free for the database', async () => {
    for (const b of imageBlobs(img)) assert.equal((await pushBlob(reg.url, 'app/one', b)).status, 201);
    assert.equal((await pushManifest(reg.url, 'app/one', 'v1', img.manifest)).status, 201);

    const blobSize = 1.5 * MiB;
    let refused: RawResponse | undefined;
    let pushed = 0;
    for (let i = 0; i < 12 && !refused; i++) {
      const data = randomBytes(blobSize);
      const r = await pushBlob(reg.url, 'fill/blobs', {
        mediaType: 'application/octet-stream',
        digest: sha256(data),
        size: data.length,
        data,
      });
      if (r.status === 201) pushed++;
      else refused = r;
    }
    assert.ok(refused, 'a 16 MiB volume with a 4 MiB reserve took 18 MiB of blobs');
    assertNoSpaceAnswer(refused, 'monolithic push into the reserve');
    assert.ok(pushed >= 3, `only ${pushed} blobs fitted above the reserve`);
    const left = free();
    assert.ok(left >= reserve, `the registry ate into its reserve: ${left} bytes free`);
    assert.ok(left - blobSize < reserve, `refused although ${left} bytes were free`);
    assert.deepEqual(readdirSync(join(mnt, 'registry', 'uploads')), [], 'the refused upload left a file');

    // A chunk larger than the room above the reserve: refused before a byte is written.
    await withUpload(reg.url, 'fill/chunked', async (loc) => {
      const patch = await call(reg.url, 'PATCH', loc, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: randomBytes(2 * MiB),
      });
      assertNoSpaceAnswer(patch, 'chunked PATCH into the reserve');
      const status = await call(reg.url, 'GET', loc);
      assert.equal(status.status, 204, status.body.toString());
      assert.equal(status.headers.range, '0-0', 'part of the refused chunk was written');
      const cancel = await call(reg.url, 'DELETE', loc);
      assert.equal(cancel.status, 204, cancel.body.toString());
    });

    // The database still has room: a manifest with large annotations goes in.
    const doc = JSON.parse(img.manifest.data.toString()) as Record<string, unknown>;
    doc.annotations = { filler: randomBytes(256 * 1024).toString('hex') };
    const data = Buffer.from(JSON.stringify(doc));
    const m = await pushManifest(reg.url, 'app/one', 'big', {
      mediaType: img.manifest.mediaType,
      digest: sha256(data),
      size: data.length,
      data,
    });
    assert.equal(m.status, 201, `manifest push within the reserve: ${m.body.toString()}`);
  });
});
