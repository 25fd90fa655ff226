import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, syncTimes, type Harness } from './testing.ts';
import type { EphemeralContainer, Pod } from './types.ts';

function pod(ephemeral: EphemeralContainer[], spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-e', resourceVersion: '1' },
    spec: {
      nodeName: 'n1',
      automountServiceAccountToken: false,
      containers: [{ name: 'app', image: 'busybox:1.35' }],
      ephemeralContainers: ephemeral,
      ...spec,
    },
  };
}

async function withHarness(fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = harness();
  try {
    await fn(h);
  } finally {
    h.close();
  }
}

test('an ephemeral container with a target joins the target container’s PID namespace', () =>
  withHarness(async (h) => {
    const debug = {
      name: 'debugger',
      image: 'busybox:1.35',
      targetContainerName: 'app',
      stdin: true,
      tty: true,
    };
    const s = await syncTimes(h, pod([debug]), 2);
    const app = h.cri.newest('app')!;
    const dbg = h.cri.newest('debugger')!;
    assert.deepEqual(dbg.config.linux?.security_context?.namespace_options, {
      network: 'POD',
      pid: 'TARGET',
      ipc: 'POD',
      target_id: app.id,
    });
    assert.equal(dbg.config.stdin, true);
    assert.equal(dbg.config.tty, true);
    assert.equal(app.config.linux?.security_context?.namespace_options?.pid, 'CONTAINER');
    const es = s?.ephemeralContainerStatuses?.[0];
    assert.equal(es?.name, 'debugger');
    assert.ok(es?.state.running, 'running');
    assert.equal(es?.ready, false, 'ephemeral containers are never ready');
    assert.equal(s?.phase, 'Running');
    assert.equal(s?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  }));

test('an ephemeral container that exits is not restarted and does not change the phase', () =>
  withHarness(async (h) => {
    h.cri.onStart = (c) => (c.metadata.name === 'debugger' ? 0 : undefined);
    const s = await syncTimes(h, pod([{ name: 'debugger', image: 'busybox:1.35' }]), 4);
    assert.deepEqual(h.cri.created(), ['app#0', 'debugger#0']);
    assert.equal(s?.ephemeralContainerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    assert.equal(s?.phase, 'Running');
    const ns = h.cri.newest('debugger')!.config.linux?.security_context?.namespace_options;
    assert.equal(ns?.pid, 'CONTAINER', 'no target: its own PID namespace');
  }));

test('an ephemeral container waits while its target does not run', () =>
  withHarness(async (h) => {
    h.cri.onStart = (c) => (c.metadata.name === 'app' ? 1 : undefined);
    const p = pod([{ name: 'debugger', image: 'busybox:1.35', targetContainerName: 'app' }], {
      restartPolicy: 'Never',
    });
    const s = await syncTimes(h, p, 1);
    assert.deepEqual(h.cri.created(), ['app#0']);
    assert.equal(s?.ephemeralContainerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
  }));

test('a pod whose containers share a PID namespace keeps sharing it for ephemeral containers', () =>
  withHarness(async (h) => {
    const p = pod([{ name: 'debugger', image: 'busybox:1.35', targetContainerName: 'app' }], {
      shareProcessNamespace: true,
    });
    await syncTimes(h, p, 2);
    const ns = h.cri.newest('debugger')!.config.linux?.security_context?.namespace_options;
    assert.equal(ns?.pid, 'POD');
    assert.equal(ns?.target_id, undefined);
  }));
