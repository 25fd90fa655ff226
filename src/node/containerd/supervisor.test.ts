/**
 * Supervisor failure paths that need no working containerd: a runtime that exits at once, and an
 * existing endpoint that does not answer. The happy path and crash recovery run against the real
 * containerd in test/e2e/containerd.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerdSupervisor } from './supervisor.ts';
import { startContainerRuntime } from './runtime.ts';
import { runtimePreflightMessage } from './preflight.ts';
import { CriError } from '../cri/errors.ts';

const dir = mkdtempSync('/tmp/berth-sup-');
after(() => rmSync(dir, { recursive: true, force: true }));

test(
  'a containerd that exits at once fails start() with its exit and leaves nothing running',
  {
    skip: runtimePreflightMessage() ?? false,
  },
  async () => {
    const sup = new ContainerdSupervisor({
      dataDir: dir,
      containerd: '/bin/false',
      podCidr: '10.198.0.0/24',
    });
    await assert.rejects(sup.start(), /^Error: containerd exited with code 1/);
    assert.equal(sup.state, 'stopped');
    assert.equal(sup.pid, undefined);
    assert.equal(existsSync(sup.paths.pidFile), false);
    assert.match(readFileSync(sup.paths.config, 'utf8'), /restrict_oom_score_adj = true/);
    assert.ok(existsSync(join(sup.paths.cniConfDir, '10-berth.conflist')));
  },
);

test('the preflight message is what start() throws on a machine without the runtime', async () => {
  const sup = new ContainerdSupervisor({ dataDir: dir, containerd: '/nonexistent/containerd' });
  await assert.rejects(
    sup.start(),
    /containerd.* not found: apt-get install containerd runc containernetworking-plugins nftables/,
  );
});

test('an existing endpoint that does not answer is reported as unreachable', async () => {
  await assert.rejects(
    startContainerRuntime({ endpoint: join(dir, 'none.sock'), readyTimeoutMs: 300 }),
    (err: unknown) =>
      err instanceof CriError && err.code === 'Unavailable' && err.message.includes('none.sock'),
  );
});
