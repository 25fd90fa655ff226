import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { collectGarbage, markLive } from './gc.ts';
import type { ParsedManifest } from './manifest.ts';
import { parseDigest } from './reference.ts';
import { createFsBlobStore, type FsBlobStore } from './storage/fs-blob-store.ts';
import { RegistryMetadata } from './storage/metadata.ts';

const HOUR = 3_600_000;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A registry whose clock is set by hand; blob files get that clock as their mtime. */
async function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'berth-gc-'));
  dirs.push(root);
  let clock = 1_800_000_000_000;
  const meta = RegistryMetadata.open(join(root, 'registry.db'), { now: () => clock });
  const blobs = await createFsBlobStore(root);
  const push = async (repo: string, content: string): Promise<string> => {
    const data = Buffer.from(content);
    const d = parseDigest(`sha256:${createHash('sha256').update(data).digest('hex')}`)!;
    const id = await blobs.startUpload();
    await blobs.append(id, Readable.from([data]));
    await blobs.verifyUpload(id, d);
    meta.linkBlob(repo, d.value, data.length);
    await blobs.commitUpload(id, d);
    utimesSync(blobs.blobPath(d), clock / 1000, clock / 1000);
    return d.value;
  };
  return {
    meta,
    blobs,
    push,
    advance: (ms: number) => (clock += ms),
    now: () => clock,
    close: () => meta.close(),
  };
}

const image = (blobs: string[], subject?: string): ParsedManifest => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  blobs: blobs.map((digest) => ({ mediaType: 'x', digest, size: 1 })),
  manifests: [],
  ...(subject ? { subject: { mediaType: 'x', digest: subject, size: 1 } } : {}),
});
const index = (children: string[]): ParsedManifest => ({
  mediaType: 'application/vnd.oci.image.index.v1+json',
  blobs: [],
  manifests: children.map((digest) => ({ mediaType: 'x', digest, size: 1 })),
});
const md = (c: string): string => `sha256:${c.repeat(64)}`;
const exists = async (s: FsBlobStore, d: string) => (await s.stat(parseDigest(d)!)) !== undefined;

test('gc deletes exactly the blobs no manifest references, past the grace period', async () => {
  const f = await fixture();
  const used = await f.push('r', 'layer used by v1');
  const orphan = await f.push('r', 'uploaded, never referenced');
  const shared = await f.push('r', 'shared layer');
  await f.push('s', 'shared layer'); // same bytes in another repository
  f.meta.putManifest('r', md('1'), Buffer.from('1'), image([used, shared]), 'v1');
  const other = await f.push('s', 'only s links this, unreferenced');
  f.advance(2 * HOUR);
  const young = await f.push('r', 'pushed just now');

  const dry = await collectGarbage(f.meta, f.blobs, { dryRun: true, now: f.now });
  assert.deepEqual(dry.blobsDeleted.map((b) => b.digest).sort(), [orphan, other].sort());
  assert.ok(await exists(f.blobs, orphan), 'a dry run deletes nothing');
  assert.ok(f.meta.blobLink('r', orphan));

  const report = await collectGarbage(f.meta, f.blobs, { now: f.now });
  assert.deepEqual(report.blobsDeleted.map((b) => b.digest).sort(), [orphan, other].sort());
  assert.deepEqual(
    report.blobLinksDeleted.map((l) => `${l.repo} ${l.digest}`).sort(),
    [`r ${orphan}`, `s ${other}`, `s ${shared}`].sort(),
  );
  for (const d of [used, shared, young]) assert.ok(await exists(f.blobs, d), d);
  for (const d of [orphan, other]) assert.equal(await exists(f.blobs, d), false, d);
  assert.ok(f.meta.blobLink('r', shared), 'r still sees the blob its manifest uses');
  assert.equal(f.meta.blobLink('s', shared), undefined, "s's unused link is gone");
  assert.equal(f.meta.db.prepare('SELECT COUNT(*) AS n FROM deleting').get()?.n, 0);
  f.close();
});

test('mark: untagged manifests are live unless deleteUntagged; index children and referrers follow', async () => {
  const f = await fixture();
  const a = await f.push('r', 'a');
  const b = await f.push('r', 'b');
  const c = await f.push('r', 'c');
  f.meta.putManifest('r', md('1'), Buffer.from('1'), image([a]));
  f.meta.putManifest('r', md('9'), Buffer.from('9'), index([md('1')]), 'multi');
  f.meta.putManifest('r', md('2'), Buffer.from('2'), image([b]), 'old');
  f.meta.deleteTag('r', 'old'); // untagged now
  f.meta.putManifest('r', md('3'), Buffer.from('3'), image([c], md('1'))); // a referrer of 1
  f.advance(2 * HOUR);
  const cutoff = f.now() - HOUR;

  const keepAll = markLive(f.meta, { cutoffMs: cutoff });
  assert.deepEqual([...keepAll.manifests.get('r')!].sort(), [md('1'), md('2'), md('3'), md('9')]);
  const tagged = markLive(f.meta, { cutoffMs: cutoff, deleteUntagged: true });
  assert.deepEqual([...tagged.manifests.get('r')!].sort(), [md('1'), md('3'), md('9')]);
  assert.deepEqual([...tagged.blobs.get('r')!].sort(), [a, c].sort());

  const report = await collectGarbage(f.meta, f.blobs, { now: f.now, deleteUntagged: true });
  assert.deepEqual(report.manifestsDeleted, [{ repo: 'r', digest: md('2') }]);
  assert.deepEqual(
    report.blobsDeleted.map((x) => x.digest),
    [b],
  );
  assert.equal(f.meta.manifestByDigest('r', md('2')), undefined);
  f.close();
});

test('abandoned uploads are removed after their TTL, fresh ones kept', async () => {
  const f = await fixture();
  const stale = await f.blobs.startUpload();
  const fresh = await f.blobs.startUpload();
  utimesSync(
    join(f.blobs.root, 'uploads', stale),
    new Date(Date.now() - 25 * HOUR),
    new Date(Date.now() - 25 * HOUR),
  );
  const report = await collectGarbage(f.meta, f.blobs, {});
  assert.deepEqual(report.uploadsDeleted, [stale]);
  assert.equal(await f.blobs.uploadSize(fresh), 0);
  f.close();
});
