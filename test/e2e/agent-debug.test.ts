/**
 * `kubectl debug` against Berth with a real agent and real containerd: kubectl patches
 * pods/ephemeralcontainers (strategic merge), the agent starts the ephemeral container in the
 * running sandbox — in the target container's PID namespace with --target — and reports it in
 * status.ephemeralContainerStatuses; logs, exec and attach reach it. Also the API's rules: names
 * unique across all containers, an existing target, no ports, and entries never removed.
 * Skipped when not root, containerd/runc/CNI are missing, or the berth CLI/kubectl are absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import type { ContainerStatus, Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import type { KubectlSession } from '../helpers/kubectl.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const node = 'node-debug';
const raw = '/api/v1/namespaces/default/pods/target/ephemeralcontainers';

describe(
  'kubectl debug: ephemeral containers (real containerd)',
  { skip: skip || false, timeout: 180_000 },
  () => {
    let env: AgentEnv;
    let k: KubectlSession;
    let tmp: string;

    const ephemeral = (p: Pod, name: string): ContainerStatus | undefined =>
      p.status?.ephemeralContainerStatuses?.find((s) => s.name === name);

    before(async () => {
      env = await startAgentEnv(node, {}, { streams: true });
      k = env.k;
      tmp = mkdtempSync('/tmp/berth-debug-');
      await env.client.resource<Pod>('', 'v1', 'pods').create('default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'target', namespace: 'default' },
        spec: {
          nodeName: node,
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: 'busybox:1.35', command: ['sleep', '3601'] }],
        },
      });
      await env.waitPod('target', (p) => !!p.status?.containerStatuses?.[0]?.state.running, 'Running');
    });

    after(async () => {
      await env?.stop();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    test('--target: the debugger sees the target’s processes; its output is in kubectl logs', async () => {
      const r = await k.run([
        'debug',
        'target',
        '--image=busybox:1.35',
        '--target=app',
        '-c',
        'dbg',
        '--',
        'sh',
        '-c',
        'ps; echo debug-ok',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const p = await env.waitPod('target', (x) => !!ephemeral(x, 'dbg')?.state.terminated, 'dbg finished');
      const st = ephemeral(p, 'dbg')!;
      assert.equal(st.state.terminated?.exitCode, 0);
      assert.equal(st.ready, false);
      assert.equal(p.status?.phase, 'Running', 'the pod keeps running');
      const logs = await k.ok(['logs', 'target', '-c', 'dbg']);
      assert.match(logs, /sleep 3601/, 'the target’s process is visible');
      assert.match(logs, /debug-ok\n$/);
      const spec = await k.ok([
        'get',
        'pod',
        'target',
        '-o',
        'jsonpath={.spec.ephemeralContainers[0].targetContainerName}',
      ]);
      assert.equal(spec, 'app');
    });

    test('without --target the debugger has its own PID namespace; exec reaches it', async () => {
      await k.ok(['debug', 'target', '--image=busybox:1.35', '-c', 'solo', '--', 'sleep', '3602']);
      await env.waitPod('target', (x) => !!ephemeral(x, 'solo')?.state.running, 'solo running');
      const ps = await k.ok(['exec', 'target', '-c', 'solo', '--', 'ps']);
      assert.match(ps, /sleep 3602/);
      assert.doesNotMatch(ps, /sleep 3601/);
    });

    test('kubectl debug -i attaches to the debugger’s stdin and output', async () => {
      const r = await k.run(
        [
          'debug',
          '-i',
          'target',
          '--image=busybox:1.35',
          '--target=app',
          '-c',
          'talk',
          '--',
          'sh',
          '-c',
          'read x; echo got-$x',
        ],
        { input: 'hello\n' },
      );
      assert.equal(r.code, 0, r.stderr);
      const p = await env.waitPod('target', (x) => !!ephemeral(x, 'talk')?.state.terminated, 'talk finished');
      assert.equal(ephemeral(p, 'talk')?.state.terminated?.exitCode, 0);
      assert.match(await k.ok(['logs', 'target', '-c', 'talk']), /got-hello/);
    });

    test('API rules: unique names, an existing target, no ports, entries never removed', async () => {
      assert.match(
        await k.fails(['debug', 'target', '--image=busybox:1.35', '-c', 'app', '--', 'true']),
        /spec\.ephemeralContainers\[\d\]\.name: Duplicate value: "app"/,
      );
      assert.match(
        await k.fails([
          'debug',
          'target',
          '--image=busybox:1.35',
          '--target=nope',
          '-c',
          'lost',
          '--',
          'true',
        ]),
        /spec\.ephemeralContainers\[\d\]\.targetContainerName: Not found: "nope"/,
      );
      const cur = JSON.parse(await k.ok(['get', '--raw', raw])) as Pod;
      assert.equal(cur.kind, 'Pod');
      const put = (name: string, mutate: (p: Pod) => void): Promise<string> => {
        const p = JSON.parse(JSON.stringify(cur)) as Pod;
        mutate(p);
        const f = join(tmp, `${name}.json`);
        writeFileSync(f, JSON.stringify(p));
        return k.fails(['replace', '--raw', raw, '-f', f]);
      };
      assert.match(
        await put('removed', (p) => p.spec!.ephemeralContainers!.splice(0, 1)),
        /existing ephemeral containers "dbg" may not be removed/,
      );
      assert.match(
        await put('changed', (p) => (p.spec!.ephemeralContainers![0]!.image = 'busybox:other')),
        /existing ephemeral containers "dbg" may not be changed/,
      );
      assert.match(
        await put('ports', (p) =>
          p.spec!.ephemeralContainers!.push({
            name: 'web',
            image: 'busybox:1.35',
            ports: [{ containerPort: 80 }],
          }),
        ),
        /spec\.ephemeralContainers\[\d\]\.ports: Forbidden: cannot be set for an Ephemeral Container/,
      );
      // The main endpoint keeps ephemeral containers as they are.
      const names = await k.ok([
        'get',
        'pod',
        'target',
        '-o',
        'jsonpath={.spec.ephemeralContainers[*].name}',
      ]);
      assert.equal(names, 'dbg solo talk');
    });
  },
);
