import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from './errors.ts';
import { parseManifest } from './manifest.ts';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from './media-types.ts';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 10 };
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 20 };
const body = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));

test('an image manifest yields its blobs, subject and artifactType', () => {
  const m = parseManifest(
    body({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers: [layer, { ...layer, digest: d('f'), urls: ['https://example.com/x'] }],
      subject: { mediaType: OCI_MANIFEST, digest: d('c'), size: 5 },
      annotations: { a: 'b' },
    }),
    OCI_MANIFEST,
  );
  assert.deepEqual(
    m.blobs.map((b) => b.digest),
    [d('a'), d('b')],
  ); // the foreign layer is left out
  assert.equal(m.subject?.digest, d('c'));
  assert.equal(m.artifactType, config.mediaType);
  assert.deepEqual(m.annotations, { a: 'b' });
});

test('an index yields its child manifests; no artifactType unless given', () => {
  const m = parseManifest(
    body({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: d('d'), size: 1 }],
    }),
    OCI_INDEX,
  );
  assert.deepEqual(
    m.manifests.map((x) => x.digest),
    [d('d')],
  );
  assert.equal(m.artifactType, undefined);
});

test('the media type comes from the body when the Content-Type is generic', () => {
  const m = parseManifest(body({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [] }), '');
  assert.equal(m.mediaType, DOCKER_MANIFEST);
});

test('invalid manifests are MANIFEST_INVALID', () => {
  const cases: [string, Buffer, string][] = [
    ['not JSON', Buffer.from('{'), OCI_MANIFEST],
    ['array', body([]), OCI_MANIFEST],
    ['unknown type', body({ schemaVersion: 2, config, layers: [] }), 'application/x-unknown'],
    ['schema1', body({ schemaVersion: 1 }), 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
    ['type mismatch', body({ schemaVersion: 2, mediaType: OCI_INDEX, config, layers: [] }), OCI_MANIFEST],
    ['schemaVersion', body({ schemaVersion: 1, config, layers: [] }), OCI_MANIFEST],
    ['no config', body({ schemaVersion: 2, layers: [] }), OCI_MANIFEST],
    [
      'bad digest',
      body({ schemaVersion: 2, config: { ...config, digest: 'sha256:xyz' }, layers: [] }),
      OCI_MANIFEST,
    ],
    ['bad size', body({ schemaVersion: 2, config: { ...config, size: -1 }, layers: [] }), OCI_MANIFEST],
    ['layers not array', body({ schemaVersion: 2, config, layers: {} }), OCI_MANIFEST],
    ['index without manifests', body({ schemaVersion: 2 }), OCI_INDEX],
    ['bad annotations', body({ schemaVersion: 2, config, layers: [], annotations: { a: 1 } }), OCI_MANIFEST],
  ];
  for (const [what, b, ct] of cases) {
    assert.throws(
      () => parseManifest(b, ct),
      (err: unknown) => err instanceof RegistryError && err.code === 'MANIFEST_INVALID',
      what,
    );
  }
});
