import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { podLogDir, volumeDir } from '../pods/paths.ts';
import type { Pod } from '../pods/types.ts';
import { pathBytes, podDiskUsage } from './disk-usage.ts';

function writeFile(path: string, bytes: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.alloc(bytes));
}

test('podDiskUsage: writable layers + container logs + disk-backed emptyDirs (not tmpfs ones)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-disk-usage-'));
  try {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', uid: 'u1' },
      spec: {
        initContainers: [{ name: 'init' }],
        containers: [{ name: 'app' }, { name: 'side' }],
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'ram', emptyDir: { medium: 'Memory' } },
          { name: 'cfg', configMap: { name: 'c' } },
        ],
      },
    };
    const logs = podLogDir(dataDir, pod);
    writeFile(join(logs, 'app', '0.log'), 1000);
    writeFile(join(logs, 'app', '1.log'), 500);
    writeFile(join(logs, 'init', '0.log'), 7);
    const ed = (v: string) => volumeDir(dataDir, 'u1', 'kubernetes.io~empty-dir', v);
    writeFile(join(ed('scratch'), 'a'), 4000);
    writeFile(join(ed('scratch'), 'sub', 'b'), 96);
    writeFile(join(ed('ram'), 'big'), 100_000);
    // A link is not followed (it could point anywhere on the host).
    symlinkSync('/etc', join(ed('scratch'), 'link'));
    const u = await podDiskUsage(dataDir, pod, new Map([['app', 20_000]]));
    assert.deepEqual(u.containers, [
      { name: 'init', bytes: 7 },
      { name: 'app', bytes: 21_500 },
      { name: 'side', bytes: 0 },
    ]);
    assert.equal(u.volumeBytes, 4096);
    assert.equal(u.totalBytes, 7 + 21_500 + 4096);
    assert.equal(await pathBytes(join(dataDir, 'missing')), 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
