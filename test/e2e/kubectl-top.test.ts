/**
 * `kubectl top node|pod` against the real thing: a `berth server` (metrics.k8s.io built in), a
 * supervised containerd, and the agent in this process as the node itself, with the pod sync loop
 * and the streams worker (which serves GET /stats/summary). A busybox pod spinning in a shell loop
 * must show clearly more CPU than an idle one, and memory above zero; then a HorizontalPodAutoscaler
 * scales a Deployment of such spinners up from the agent's real figures.
 * Skipped when not root, containerd/runc/CNI are missing, or the berth CLI/kubectl are absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../src/client/client.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import type { KubectlSession } from '../helpers/kubectl.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const node = 'node-top';
// Holds ~4 MB in a shell variable (so its memory shows in whole Mi), then spins.
const spin = ['sh', '-c', 'x=$(head -c 4000000 /dev/zero | tr "\\0" a); while :; do :; done'];

/** Millicores of a `kubectl top` CPU cell ("250m", "1"). */
function millicores(cell: string): number {
  return cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000;
}

/** Bytes of a `kubectl top` memory cell ("12Mi", "0Mi"). */
function bytes(cell: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(cell);
  if (!m) return NaN;
  return Number(m[1]) * { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, '': 1 }[m[2] ?? '']!;
}

/** Rows of a `kubectl top` table as column-name → cell maps. */
function rows(out: string): Record<string, string>[] {
  const [head, ...lines] = out.trim().split('\n');
  const cols = (head ?? '').trim().split(/\s{2,}/);
  return lines.map((l) => {
    const cells = l.trim().split(/\s+/);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

describe(
  'kubectl top and the metrics API (real containerd)',
  { skip: skip || false, timeout: 240_000 },
  () => {
    let env: AgentEnv;
    let admin: Client;
    let k: KubectlSession;

    const pods = () => admin.resource<Pod>('', 'v1', 'pods');

    /** Runs kubectl until `ok` accepts its output (the machine may be slow); fails with the last output. */
    async function until(args: string[], ok: (out: string) => boolean, timeoutMs = 60_000): Promise<string> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await k.run(args);
        const last = `exit ${r.code}\n${r.stdout}${r.stderr}`;
        if (r.code === 0 && ok(r.stdout)) return r.stdout;
        if (Date.now() > end) throw new Error(`kubectl ${args.join(' ')} never matched; last:\n${last}`);
        await new Promise((res) => setTimeout(res, 1000));
      }
    }

    before(async () => {
      // The streams worker serves GET /stats/summary; a short window makes rates show quickly.
      env = await startAgentEnv(node, {}, { streams: true, stats: { windowMs: 3000, minWindowMs: 500 } });
      admin = env.client;
      k = env.k;
      for (const [name, command, app] of [
        ['burner', spin, 'burn'],
        ['idler', ['sleep', '3600'], 'idle'],
      ] as const) {
        await pods().create('default', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'default', labels: { app } },
          spec: {
            nodeName: node,
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'main', image: 'busybox:1.35', command: [...command] }],
          },
        });
      }
    });

    after(async () => {
      await env?.stop();
    });

    test('discovery lists nodes and pods of metrics.k8s.io', async () => {
      const out = await k.ok(['api-resources', '--api-group=metrics.k8s.io', '--no-headers']);
      assert.match(out, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics/m);
      assert.match(out, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics/m);
    });

    test('top pod: the spinning pod uses clearly more CPU than the idle one; memory above zero', async () => {
      const out = await until(['top', 'pod'], (o) => {
        const r = rows(o);
        const burn = r.find((x) => x.NAME === 'burner');
        const idle = r.find((x) => x.NAME === 'idler');
        return !!burn && !!idle && millicores(burn['CPU(cores)']!) >= 100;
      });
      const r = rows(out);
      const burn = r.find((x) => x.NAME === 'burner')!;
      const idle = r.find((x) => x.NAME === 'idler')!;
      assert.ok(
        millicores(burn['CPU(cores)']!) > millicores(idle['CPU(cores)']!) + 50,
        `burner should use more CPU than idler:\n${out}`,
      );
      assert.ok(bytes(burn['MEMORY(bytes)']!) > 0, `burner holds memory:\n${out}`);
      // The API reports bytes; the table rounds down to Mi, so the idle pod's few KiB show there.
      const pm = JSON.parse(
        await k.ok(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/idler']),
      );
      assert.equal(pm.kind, 'PodMetrics');
      assert.match(pm.window, /^\d+(\.\d+)?s$/);
      assert.match(pm.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(bytes(String(pm.containers[0].usage.memory)) > 0, JSON.stringify(pm));
    });

    test('top pod --containers, -A and -l', async () => {
      const containers = rows(await k.ok(['top', 'pod', 'burner', '--containers']));
      assert.deepEqual(
        containers.map((x) => [x.POD, x.NAME]),
        [['burner', 'main']],
      );
      const all = rows(await k.ok(['top', 'pod', '-A']));
      assert.ok(
        all.some((x) => x.NAMESPACE === 'default' && x.NAME === 'burner'),
        JSON.stringify(all),
      );
      const selected = rows(await k.ok(['top', 'pod', '-l', 'app=idle']));
      assert.deepEqual(
        selected.map((x) => x.NAME),
        ['idler'],
      );
      assert.match(await k.fails(['top', 'pod', 'nosuch']), /not found|not available/);
    });

    test('top node: CPU and memory of the node with the agent', async () => {
      const out = await until(['top', 'node'], (o) => rows(o).some((x) => x.NAME === node));
      const row = rows(out).find((x) => x.NAME === node)!;
      // The spinner alone keeps the node busy.
      assert.ok(millicores(row['CPU(cores)']!) >= 100, out);
      assert.ok(bytes(row['MEMORY(bytes)']!) > 0, out);
      const nm = JSON.parse(await k.ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/nodes/${node}`]));
      assert.equal(nm.kind, 'NodeMetrics');
      assert.match(nm.usage.cpu, /^\d+n$/);
    });

    test('RBAC: view grants the metrics API through system:aggregated-metrics-reader', async () => {
      await k.ok(['create', 'rolebinding', 'metrics-view', '--clusterrole=view', '--user=metrics-viewer']);
      await until(
        ['auth', 'can-i', 'list', 'pods.metrics.k8s.io', '--as=metrics-viewer'],
        (o) => o.trim() === 'yes',
      );
      const r = await k.run(['auth', 'can-i', 'list', 'pods.metrics.k8s.io', '--as=stranger']);
      assert.equal(r.stdout.trim(), 'no');
      assert.match(await k.fails(['top', 'pod', '--as=stranger']), /forbidden/i);
      assert.match(await k.ok(['top', 'pod', '--as=metrics-viewer']), /burner/);
    });

    test('a HorizontalPodAutoscaler scales a Deployment of spinners up from the real figures', async () => {
      await k.ok(['delete', 'pod', 'burner', '--wait=false']);
      await admin.resource('apps', 'v1', 'deployments').create('default', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'spinner', namespace: 'default' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'spinner' } },
          template: {
            metadata: { labels: { app: 'spinner' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'main',
                  image: 'busybox:1.35',
                  command: spin,
                  resources: { requests: { cpu: '50m' } },
                },
              ],
            },
          },
        },
      });
      await k.ok(['autoscale', 'deployment', 'spinner', '--cpu-percent=50', '--min=1', '--max=2']);
      // One spinner uses far more than 50% of 50m: the HPA asks for the maximum.
      await until(
        ['get', 'deployment', 'spinner', '-o', 'jsonpath={.spec.replicas}'],
        (o) => o.trim() === '2',
        120_000,
      );
      const hpa = JSON.parse(await k.ok(['get', 'hpa', 'spinner', '-o', 'json']));
      assert.equal(hpa.status.desiredReplicas, 2, JSON.stringify(hpa.status));
      assert.ok(
        hpa.status.currentMetrics?.[0]?.resource?.current?.averageUtilization > 50,
        JSON.stringify(hpa.status),
      );
    });
  },
);
