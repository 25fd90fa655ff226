/**
 * NetworkPolicy enforcement on real nftables: a `berth server` holds Pods (bound to this test's
 * node, status.podIP set through /status) whose addresses are real pod namespaces behind a bridge
 * in a throwaway "node" namespace (see netpol-lab.ts); the controller runs in this process and
 * programs its table inside the node namespace. Checks: no policy → all reach; default-deny ingress
 * blocks (the node itself still reaches the pod); an allow rule on a named port re-opens exactly
 * that source and port; a label change moves a pod into a rule; egress default deny; deleting the
 * policies restores access within a second. Everything is removed at the end, also on failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, type ResourceClient } from '../../src/client/client.ts';
import { httpTransport, type HttpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { silentLogger } from '../../src/client/logger.ts';
import type { KubeObject } from '../../src/api/object.ts';
import { NetworkPolicyController } from '../../src/node/netpol/controller.ts';
import type { NetworkPolicy, Pod } from '../../src/node/netpol/types.ts';
import { nftCommand } from '../../src/node/proxy/nft-runner.ts';
import { berthAvailable, startServer, type TestServer } from '../helpers/server.ts';
import { labSkip } from './proxy-lab.ts';
import { createNetpolLab, type NetpolLab, type Reply } from './netpol-lab.ts';

const skip = !berthAvailable() ? 'berth CLI not built yet' : labSkip();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ns = 'default';
const nodeName = 'netpol-node';
const table = 'berth-netpol';
/** A blocked connection is dropped: it shows as a timeout this long. */
const blockMs = 400;

describe('NetworkPolicy on nftables', { skip, timeout: 60_000 }, () => {
  let server: TestServer | undefined;
  let lab: NetpolLab | undefined;
  let transport: HttpTransport | undefined;
  let controller: NetworkPolicyController | undefined;
  let pods: ResourceClient<Pod>;
  let policies: ResourceClient<NetworkPolicy>;

  const ipOf = (name: string): string => lab!.pods.find((p) => p.name === name)!.ip;
  const nsOf = (from: string): string =>
    from === 'node' ? lab!.nodeNs : lab!.pods.find((p) => p.name === from)!.ns;

  /** One request from `from` (a pod name or "node") to pod `to` on `port`: the reply body or "ERR:code". */
  async function reach(from: string, to: string, port: number): Promise<string> {
    const d = await lab!.driver(nsOf(from));
    const r: Reply = await d.get(`http://${ipOf(to)}:${port}/`, blockMs);
    return r.body ?? `ERR:${r.err}`;
  }

  /** Reachability of several (from, to, port) triples at once, as "from->to:port=ok|blocked". */
  async function matrix(list: [string, string, number][]): Promise<string[]> {
    const out = await Promise.all(list.map(([f, t, p]) => reach(f, t, p)));
    return list.map(([f, t, p], i) => `${f}->${t}:${p}=${out[i] === `${t}:${p}` ? 'ok' : 'blocked'}`);
  }

  /** Polls until the matrix is as expected; returns how long that took. */
  async function until(
    list: [string, string, number][],
    want: ('ok' | 'blocked')[],
    ms = 8000,
  ): Promise<number> {
    const t0 = Date.now();
    const expected = list.map(([f, t, p], i) => `${f}->${t}:${p}=${want[i]}`);
    for (;;) {
      const got = await matrix(list);
      if (got.join() === expected.join()) return Date.now() - t0;
      if (Date.now() - t0 > ms) assert.deepEqual(got, expected);
      await sleep(50);
    }
  }

  const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec,
  });

  before(async () => {
    const [s, l] = await Promise.all([startServer(), createNetpolLab(['web', 'db', 'other'])]);
    server = s;
    lab = l;
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    const client = new Client(transport);
    pods = client.resource<Pod>('', 'v1', 'pods');
    policies = client.resource<NetworkPolicy>('networking.k8s.io', 'v1', 'networkpolicies');
    await client
      .resource<KubeObject>('', 'v1', 'nodes')
      .create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
    for (const p of lab.pods) {
      const ports = p.name === 'db' ? [{ name: 'http', containerPort: 80, protocol: 'TCP' as const }] : [];
      const spec = { nodeName, containers: [{ name: 'c', image: 'busybox', ports }] };
      await pods.create(ns, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: ns, labels: { app: p.name } },
        spec,
      });
      const status = { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] };
      await pods.patch(ns, p.name, 'merge', { status }, { subresource: 'status' });
    }
    controller = new NetworkPolicyController({
      client,
      nodeName,
      podCIDR: lab.podCIDR,
      bridge: lab.bridge,
      table,
      runner: nftCommand({ netns: lab.nodeNs }),
      minSyncIntervalMs: 20,
      logger: silentLogger,
    });
    await controller.start();
  });

  after(async () => {
    try {
      await controller?.stop();
      if (controller && lab) {
        await controller.cleanup();
        const left = execFileSync('ip', ['netns', 'exec', lab.nodeNs, 'nft', 'list', 'tables']).toString();
        assert.doesNotMatch(left, new RegExp(`table inet ${table}\\b`));
      }
    } finally {
      transport?.close();
      lab?.destroy();
      await server?.stop();
    }
  });

  test('no policy: every pod reaches every other', async () => {
    await until(
      [
        ['web', 'db', 80],
        ['other', 'db', 81],
        ['db', 'web', 80],
        ['db', 'other', 80],
      ],
      ['ok', 'ok', 'ok', 'ok'],
    );
    assert.ok(controller!.lastSync, 'a first sync ran');
  });

  test('default-deny ingress on app=db blocks it; the node itself still reaches it', async () => {
    await policies.create(
      ns,
      policy('db-deny', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
    );
    await until(
      [
        ['web', 'db', 80],
        ['other', 'db', 80],
        ['web', 'db', 81],
        ['node', 'db', 80],
        ['db', 'web', 80],
        ['web', 'other', 80],
      ],
      ['blocked', 'blocked', 'blocked', 'ok', 'ok', 'ok'],
    );
    const rules = execFileSync('ip', [
      'netns',
      'exec',
      lab!.nodeNs,
      'nft',
      'list',
      'table',
      'inet',
      table,
    ]).toString();
    assert.match(rules, /chain in-10-244-5-11/);
  });

  test('allow from app=web on the named port http (80): exactly web, exactly port 80', async () => {
    await policies.create(
      ns,
      policy('db-allow-web', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
      }),
    );
    await until(
      [
        ['web', 'db', 80],
        ['web', 'db', 81],
        ['other', 'db', 80],
        ['other', 'db', 81],
      ],
      ['ok', 'blocked', 'blocked', 'blocked'],
    );
  });

  test('a label change moves a pod into the rule and out again', async () => {
    await pods.patch(ns, 'other', 'merge', { metadata: { labels: { app: 'web' } } });
    await until(
      [
        ['other', 'db', 80],
        ['other', 'db', 81],
      ],
      ['ok', 'blocked'],
    );
    await pods.patch(ns, 'other', 'merge', { metadata: { labels: { app: 'other' } } });
    await until([['other', 'db', 80]], ['blocked']);
  });

  test("egress default-deny on app=web blocks web's outgoing connections only", async () => {
    await policies.create(
      ns,
      policy('web-egress-deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] }),
    );
    await until(
      [
        ['web', 'db', 80],
        ['web', 'other', 80],
        ['other', 'web', 80],
        ['db', 'web', 81],
        ['node', 'web', 80],
      ],
      ['blocked', 'blocked', 'ok', 'ok', 'ok'],
    );
  });

  test('deleting the policies restores access within about a second', async () => {
    for (const name of ['db-deny', 'db-allow-web', 'web-egress-deny']) await policies.delete(ns, name);
    const took = await until(
      [
        ['web', 'db', 80],
        ['other', 'db', 81],
        ['web', 'other', 80],
      ],
      ['ok', 'ok', 'ok'],
      3000,
    );
    assert.ok(took < 1500, `access restored after ${took} ms`);
  });
});
