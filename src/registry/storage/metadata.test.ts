import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from '../errors.ts';
import type { ParsedManifest } from '../manifest.ts';
import { BlobBeingDeletedError, RegistryMetadata } from './metadata.ts';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const image = (blobs: string[], subject?: string): ParsedManifest => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  blobs: blobs.map((digest) => ({ mediaType: 'x', digest, size: 1 })),
  manifests: [],
  ...(subject ? { subject: { mediaType: 'x', digest: subject, size: 1 } } : {}),
  artifactType: 'application/vnd.example',
});
const index = (children: string[]): ParsedManifest => ({
  mediaType: 'application/vnd.oci.image.index.v1+json',
  blobs: [],
  manifests: children.map((digest) => ({ mediaType: 'x', digest, size: 1 })),
});
const bytes = (s: string): Uint8Array => Buffer.from(s);

test('a manifest is accepted only when its blobs are linked in the same repository', () => {
  const m = RegistryMetadata.open(':memory:');
  m.linkBlob('other', d('a'), 1);
  assert.throws(
    () => m.putManifest('ns/app', d('1'), bytes('{}'), image([d('a')]), 'v1'),
    (e: unknown) => e instanceof RegistryError && e.code === 'MANIFEST_BLOB_UNKNOWN',
  );
  assert.equal(m.manifestByTag('ns/app', 'v1'), undefined, 'nothing recorded');
  m.linkBlob('ns/app', d('a'), 1);
  m.putManifest('ns/app', d('1'), bytes('{"x":1}'), image([d('a')]), 'v1');
  assert.equal(m.manifestByTag('ns/app', 'v1')?.digest, d('1'));
  assert.equal(Buffer.from(m.manifestByDigest('ns/app', d('1'))!.content).toString(), '{"x":1}');
  assert.equal(m.manifestByDigest('other', d('1')), undefined);
});

test('the last push of a tag wins; tags list in byte order with paging', () => {
  const m = RegistryMetadata.open(':memory:');
  m.linkBlob('r', d('a'), 1);
  m.putManifest('r', d('1'), bytes('1'), image([d('a')]), 'latest');
  m.putManifest('r', d('2'), bytes('2'), image([d('a')]), 'latest');
  assert.equal(m.manifestByTag('r', 'latest')?.digest, d('2'));
  for (const t of ['b', 'A', 'a', 'B']) m.putManifest('r', d('2'), bytes('2'), image([d('a')]), t);
  assert.deepEqual(m.listTags('r', 100), ['A', 'B', 'a', 'b', 'latest']);
  assert.deepEqual(m.listTags('r', 2, 'B'), ['a', 'b']);
});

test('deleting a manifest removes its tags; one listed by an index is refused', () => {
  const m = RegistryMetadata.open(':memory:');
  m.linkBlob('r', d('a'), 1);
  m.putManifest('r', d('1'), bytes('1'), image([d('a')]), 'v1');
  m.putManifest('r', d('9'), bytes('9'), index([d('1')]), 'multi');
  assert.deepEqual(m.deleteManifest('r', d('1')), { deleted: false, referencedBy: d('9') });
  assert.deepEqual(m.deleteManifest('r', d('9')), { deleted: true });
  assert.deepEqual(m.deleteManifest('r', d('1')), { deleted: true });
  assert.equal(m.manifestByTag('r', 'v1'), undefined);
  assert.deepEqual(m.deleteManifest('r', d('1')), { deleted: false });
});

test('an index needs its child manifests in the repository', () => {
  const m = RegistryMetadata.open(':memory:');
  assert.throws(() => m.putManifest('r', d('9'), bytes('9'), index([d('1')])), /unknown/);
});

test('referrers list manifests whose subject matches, filtered by artifactType', () => {
  const m = RegistryMetadata.open(':memory:');
  m.linkBlob('r', d('a'), 1);
  m.putManifest('r', d('1'), bytes('1'), image([d('a')]), 'v1');
  m.putManifest('r', d('2'), bytes('22'), image([d('a')], d('1')));
  assert.deepEqual(m.referrers('r', d('1')), [
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: d('2'),
      size: 2,
      artifactType: 'application/vnd.example',
    },
  ]);
  assert.deepEqual(m.referrers('r', d('1'), 'application/other'), []);
  assert.deepEqual(m.referrers('elsewhere', d('1')), []);
});

test('a blob being collected cannot be linked until the collector is done', () => {
  let now = 1_000_000;
  const m = RegistryMetadata.open(':memory:', { now: () => now });
  m.db.prepare('INSERT INTO deleting (digest, since) VALUES (?, ?)').run(d('a'), now);
  assert.throws(() => m.linkBlob('r', d('a'), 1), BlobBeingDeletedError);
  now += 11 * 60 * 1000; // a row left by a collector that died is ignored
  m.linkBlob('r', d('a'), 1);
  assert.ok(m.blobLink('r', d('a')));
});
