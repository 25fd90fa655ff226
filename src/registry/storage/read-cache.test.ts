import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountStore } from '../access/accounts.ts';
import type { ParsedManifest } from '../manifest.ts';
import { RegistryMetadata } from './metadata.ts';
import { NamespaceStore } from './namespaces.ts';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const image: ParsedManifest = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  blobs: [],
  manifests: [],
};
const bytes = (s: string): Uint8Array => Buffer.from(s);
/** What separates two requests: lookups in one synchronous stretch share one freshness check. */
const nextRequest = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function twoHandles(t: { after(fn: () => void): void }): {
  a: RegistryMetadata;
  b: RegistryMetadata;
  file: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'read-cache-'));
  const file = join(dir, 'registry.db');
  const a = RegistryMetadata.open(file);
  const b = RegistryMetadata.open(file);
  t.after(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { a, b, file };
}

test('a tag moved or deleted through another connection is never served from the cache', async (t) => {
  const { a, b } = twoHandles(t);
  a.putManifest('ns/app', d('1'), bytes('one'), image, 'v1');
  b.putManifest('ns/app', d('2'), bytes('two'), image);
  await nextRequest();
  assert.equal(a.manifestByTag('ns/app', 'v1')?.digest, d('1'));
  const hits = a.cache.stats.hits;
  await nextRequest();
  assert.equal(a.manifestByTag('ns/app', 'v1')?.digest, d('1'));
  assert.equal(a.cache.stats.hits, hits + 1, 'an unchanged database answers from memory');

  b.putManifest('ns/app', d('2'), bytes('two'), image, 'v1'); // the tag moves
  await nextRequest();
  const moved = a.manifestByTag('ns/app', 'v1');
  assert.equal(moved?.digest, d('2'));
  assert.equal(Buffer.from(moved.content).toString(), 'two');

  assert.equal(b.deleteTag('ns/app', 'v1'), true);
  await nextRequest();
  assert.equal(a.manifestByTag('ns/app', 'v1'), undefined);

  b.putManifest('ns/app', d('1'), bytes('one'), image, 'v1'); // a cached "no such tag" goes too
  await nextRequest();
  assert.equal(a.manifestByTag('ns/app', 'v1')?.digest, d('1'));

  assert.deepEqual(b.deleteManifest('ns/app', d('1')), { deleted: true });
  await nextRequest();
  assert.equal(a.manifestByDigest('ns/app', d('1')), undefined);
  assert.equal(a.manifestByTag('ns/app', 'v1'), undefined);
});

test('a commit by another process empties the cache', async (t) => {
  const { a, file } = twoHandles(t);
  a.putManifest('ns/app', d('1'), bytes('one'), image, 'v1');
  assert.equal(a.manifestByTag('ns/app', 'v1')?.digest, d('1'));
  const script = `
    import { RegistryMetadata } from ${JSON.stringify(new URL('./metadata.ts', import.meta.url).href)};
    const m = RegistryMetadata.open(${JSON.stringify(file)});
    m.putManifest('ns/app', ${JSON.stringify(d('9'))}, Buffer.from('nine'),
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', blobs: [], manifests: [] }, 'v1');
    m.close();`;
  execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script]);
  await nextRequest();
  assert.equal(a.manifestByTag('ns/app', 'v1')?.digest, d('9'));
});

test('namespaces and accounts changed locally or elsewhere are re-read', async (t) => {
  const { a, b } = twoHandles(t);
  const nsA = new NamespaceStore(a);
  const nsB = new NamespaceStore(b);
  nsA.create({ name: 'team' });
  assert.equal(nsA.get('team')?.public, false);
  // A local write through a statement the cache never saw, read back with no await in between.
  nsA.update('team', { public: true });
  assert.equal(nsA.get('team')?.public, true);
  nsB.update('team', { public: false });
  await nextRequest();
  assert.equal(nsA.get('team')?.public, false);
  nsB.delete('team');
  await nextRequest();
  assert.equal(nsA.get('team'), undefined);

  const accA = new AccountStore(a);
  const accB = new AccountStore(b);
  nsB.create({ name: 'ci' });
  const robot = accB.createRobot('ci', 'builder', ['pull']);
  await nextRequest();
  assert.equal(accA.lookup(robot.name)?.kind, 'robot');
  assert.equal(accB.deleteRobot(robot.name), true);
  await nextRequest();
  assert.equal(accA.lookup(robot.name), undefined);
});

test('what a rolled-back transaction read is not remembered', (t) => {
  const { a } = twoHandles(t);
  const ns = new NamespaceStore(a);
  assert.throws(() =>
    a.transaction(() => {
      a.db.prepare("INSERT INTO namespaces (name, public, created_at) VALUES ('ghost', 1, 0)").run();
      assert.equal(ns.get('ghost')?.name, 'ghost');
      throw new Error('abort');
    }),
  );
  assert.equal(ns.get('ghost'), undefined);
});
