import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitsQuota, formatBytes, parseBytes, QuotaExceededError, quotaMessage } from './quota.ts';
import { RegistryMetadata } from './storage/metadata.ts';

test('parseBytes reads Kubernetes-style quantities', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['4096', 4096],
    ['10Gi', 10 * 2 ** 30],
    ['500Mi', 500 * 2 ** 20],
    ['1.5Ki', 1536],
    ['1G', 1e9],
    ['2k', 2000],
    ['3MiB', 3 * 2 ** 20],
  ];
  for (const [s, n] of cases) assert.equal(parseBytes(s), n, s);
  for (const bad of ['', 'Gi', '-1Gi', '10Xi', '1e9'])
    assert.throws(() => parseBytes(bad), /invalid size/, bad);
});

test('formatBytes, fitsQuota and the refusal message', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(10 * 2 ** 30), '10.0 GiB');
  assert.equal(fitsQuota(90, 10, 100), true);
  assert.equal(fitsQuota(90, 11, 100), false);
  assert.equal(fitsQuota(90, 11, null), true);
  assert.equal(
    quotaMessage('team', 3 * 2 ** 20, 4 * 2 ** 20, 2 * 2 ** 20),
    'namespace team quota exceeded: 3.0 MiB of 4.0 MiB used (this blob needs 2.0 MiB more)',
  );
});

test('usage counts a blob once per namespace; a link past the quota is refused', () => {
  const meta = RegistryMetadata.open(':memory:');
  try {
    const q = { namespace: 'team', limit: 1000 };
    meta.linkBlob('team/a', 'sha256:aa', 600, q);
    meta.linkBlob('team/b', 'sha256:aa', 600, q); // shared inside the namespace: free
    meta.linkBlob('other/a', 'sha256:aa', 600); // other namespace: counted there
    meta.linkBlob('team0/a', 'sha256:bb', 900); // `team0` is not `team`
    assert.equal(meta.namespaceUsage('team'), 600);
    assert.equal(meta.namespaceUsage('other'), 600);
    assert.throws(
      () => meta.linkBlob('team/a', 'sha256:cc', 401, q),
      (err: unknown) => err instanceof QuotaExceededError && err.used === 600 && err.limit === 1000,
    );
    assert.equal(meta.blobLink('team/a', 'sha256:cc'), undefined, 'nothing linked');
    meta.linkBlob('team/a', 'sha256:cc', 400, q); // exactly full is allowed
    assert.equal(meta.namespaceUsage('team'), 1000);
    // Deleting links gives the space back.
    meta.unlinkBlob('team/a', 'sha256:aa');
    assert.equal(meta.namespaceUsage('team'), 1000, 'team/b still links it');
    meta.unlinkBlob('team/b', 'sha256:aa');
    assert.equal(meta.namespaceUsage('team'), 400);
  } finally {
    meta.close();
  }
});
