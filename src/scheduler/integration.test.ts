/**
 * The scheduler and simulated nodes against a real `berth server` over HTTPS: three sim nodes (one
 * tainted), six pods that all land on untainted nodes and turn Running/Ready, a pod asking for 100
 * CPUs whose FailedScheduling event `kubectl describe` shows, and a restartPolicy Never pod with
 * the duration annotation that reaches Succeeded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { e2eSkip, useServer } from '../../test/helpers/e2e.ts';
import { kubectlSession } from '../../test/helpers/kubectl.ts';
import { Client } from '../client/client.ts';
import { realClock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { httpTransport, type HttpTransport } from '../client/http.ts';
import { informerFactory, type InformerFactory } from '../client/informer.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { silentLogger } from '../client/logger.ts';
import type { Controller } from '../controllers/types.ts';
import { SimNodes } from '../node/sim/sim.ts';
import { makePod } from './fixtures.ts';
import { schedulerController } from './scheduler.ts';
import type { Pod } from './types.ts';

const skip = e2eSkip();

describe('scheduler + simulated nodes on a real server', { skip }, () => {
  const h = useServer();
  let transport: HttpTransport;
  let client: Client;
  let informers: InformerFactory;
  let scheduler: Controller;
  let sim: SimNodes;
  const abort = new AbortController();
  /**
   * Why binding cannot work on this server, if it cannot: pods/binding once ran the pod update
   * rules, which forbid changing spec.nodeName. Tests that need bound pods skip, naming it.
   */
  let bindingBroken: string | undefined;

  async function probeBinding(): Promise<void> {
    const probe = makePod('binding-probe', {}, { schedulerName: 'nobody' });
    await pods().create('default', probe);
    try {
      await client.call({
        method: 'POST',
        path: '/api/v1/namespaces/default/pods/binding-probe/binding',
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'binding-probe' },
          target: { kind: 'Node', name: 'sim-0' },
        },
      });
    } catch (err) {
      bindingBroken = `the server's pods/binding refuses to bind: ${(err as Error).message.slice(0, 120)}`;
    }
    await pods().delete('default', 'binding-probe', { gracePeriodSeconds: 0 });
  }

  before(async () => {
    transport = httpTransport(await loadKubeconfig(h.server.kubeconfig));
    client = new Client(transport);
    sim = new SimNodes({
      client,
      nodes: 3,
      readyDelayMs: 200,
      jobDurationMs: 5000,
      logger: silentLogger,
      customize: (s) =>
        s.index === 2 ? { ...s, taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } : s,
    });
    await sim.start();
    await probeBinding();
    informers = informerFactory(client, { logger: silentLogger });
    scheduler = schedulerController();
    await scheduler.start({
      client,
      informers,
      recorder: (component) => new EventRecorder({ client, component, logger: silentLogger }),
      log: silentLogger,
      clock: realClock,
      signal: abort.signal,
    });
    informers.start();
    assert.ok(await informers.waitForCacheSync());
  });

  after(async () => {
    abort.abort();
    await scheduler?.stop();
    await informers?.shutdown();
    await sim?.stop();
    transport?.close();
  });

  function pods() {
    return client.resource<Pod>('', 'v1', 'pods');
  }

  async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 8000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('six pods are bound to untainted nodes and become Running/Ready', async (t) => {
    if (bindingBroken) return t.skip(bindingBroken);
    for (let i = 0; i < 6; i++)
      await pods().create(
        'default',
        makePod(`web-${i}`, { cpu: '500m', memory: '256Mi' }, {}, { app: 'web' }),
      );
    const list = await waitFor('six running, ready pods', async () => {
      const l = await pods().list('default', { labelSelector: 'app=web' });
      const ready = l.items.filter(
        (p) =>
          p.status?.phase === 'Running' &&
          p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length === 6 ? l.items : undefined;
    });
    const nodes = list.map((p) => p.spec?.nodeName);
    assert.ok(
      nodes.every((n) => n === 'sim-0' || n === 'sim-1'),
      `nodes: ${nodes.join(',')}`,
    );
    assert.ok(list.every((p) => p.status?.podIP && p.status.hostIP));
    const k = kubectlSession(undefined, h.server.kubeconfig);
    try {
      const out = await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'wide']);
      assert.equal(out.match(/Running/g)?.length, 6, out);
    } finally {
      await k.close();
    }
  });

  test('a pod asking for 100 CPUs stays Pending; kubectl describe shows FailedScheduling', async (t) => {
    await pods().create('default', makePod('greedy', { cpu: '100' }));
    const want =
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const cond = await waitFor('PodScheduled=False', async () => {
      const p = await pods().get('default', 'greedy');
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    });
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, want);
    const k = kubectlSession(t, h.server.kubeconfig);
    const out = await waitFor('FailedScheduling in describe', async () => {
      const o = await k.ok(['describe', 'pod', 'greedy']);
      return /FailedScheduling/.test(o) ? o : undefined;
    });
    assert.match(out, /Status:\s+Pending/);
    assert.match(out, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: /);
    assert.ok(out.replace(/\s+/g, ' ').includes(want.replace(/\s+/g, ' ')), out);
    assert.equal((await pods().get('default', 'greedy')).spec?.nodeName, undefined);
  });

  test('a restartPolicy Never pod with the duration annotation reaches Succeeded', async (t) => {
    if (bindingBroken) return t.skip(bindingBroken);
    const p = makePod('once', {}, { restartPolicy: 'Never' });
    p.metadata.annotations = { 'berth.io/sim-duration': '300ms' };
    await pods().create('default', p);
    const done = await waitFor('Succeeded', async () => {
      const cur = await pods().get('default', 'once');
      return cur.status?.phase === 'Succeeded' ? cur : undefined;
    });
    assert.ok(done.spec?.nodeName === 'sim-0' || done.spec?.nodeName === 'sim-1');
    const cs = done.status?.containerStatuses as {
      state: { terminated?: { exitCode: number; reason: string } };
    }[];
    assert.deepEqual(
      cs.map((c) => [c.state.terminated?.exitCode, c.state.terminated?.reason]),
      [[0, 'Completed']],
    );
  });

  test('deleting a running pod removes it (the sim finishes the graceful deletion)', async (t) => {
    if (bindingBroken) return t.skip(bindingBroken);
    await pods().delete('default', 'web-0');
    await waitFor('web-0 gone', async () => {
      try {
        await pods().get('default', 'web-0');
        return undefined;
      } catch {
        return true;
      }
    });
  });
});
