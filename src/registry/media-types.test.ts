import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptsManifest,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types.ts';

test('Accept negotiation serves only what the client lists (or anything when it lists nothing)', () => {
  const cases: [string | string[] | undefined, string, boolean][] = [
    [undefined, OCI_MANIFEST, true],
    ['*/*', OCI_INDEX, true],
    ['application/*', OCI_INDEX, true],
    [OCI_MANIFEST, OCI_MANIFEST, true],
    [`${DOCKER_MANIFEST}, ${DOCKER_MANIFEST_LIST}`, OCI_MANIFEST, false],
    [`${DOCKER_MANIFEST}; q=0.9, ${OCI_INDEX}`, OCI_INDEX, true],
    [[DOCKER_MANIFEST, OCI_MANIFEST], OCI_MANIFEST, true],
    [[DOCKER_MANIFEST], DOCKER_MANIFEST_LIST, false],
  ];
  for (const [accept, stored, ok] of cases)
    assert.equal(acceptsManifest(accept, stored), ok, `${String(accept)} / ${stored}`);
});
