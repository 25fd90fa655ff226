/**
 * The service proxy on real nftables: a `berth server` holds hand-written selector-less Services and
 * EndpointSlices pointing at two pod namespaces; the proxy runs in this process and programs its
 * rules inside a throwaway "node" namespace; a "client" namespace sends the traffic (see
 * proxy-lab.ts). Checks ClusterIP spreading, NodePort, a LoadBalancer address from the pool (status,
 * traffic, source ranges, release), ClientIP affinity, refusal without endpoints and for unknown
 * service addresses, how fast an endpoint removal lands, externalTrafficPolicy Local keeping the
 * client address, and hairpin traffic. Everything is removed at the end, also on failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, type ResourceClient } from '../../src/client/client.ts';
import { httpTransport, type HttpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { silentLogger } from '../../src/client/logger.ts';
import { nftCommand } from '../../src/node/proxy/nft-runner.ts';
import { ServiceProxy, type SyncReport } from '../../src/node/proxy/proxy.ts';
import type { EndpointSlice, Node, Service } from '../../src/node/proxy/types.ts';
import { berthAvailable, berthBin, startServer, type TestServer } from '../helpers/server.ts';
import { createLab, labSkip, type Lab, type Reply } from './proxy-lab.ts';

const skip = !berthAvailable() ? 'berth CLI not built yet' : labSkip();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ns = 'default';
const nodeName = 'proxy-node';

async function eventually<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: gave up; last: ${JSON.stringify(v)}`);
    await sleep(50);
  }
}

const names = (rs: Reply[]): string[] => rs.map((r) => r.body?.split(' ')[0] ?? `ERR:${r.err}`);
const remotes = (rs: Reply[]): string[] => rs.map((r) => r.body?.split(' ')[1] ?? `ERR:${r.err}`);

describe('service proxy on nftables', { skip, timeout: 120_000 }, () => {
  let server: TestServer | undefined;
  let lab: Lab | undefined;
  let proxy: ServiceProxy | undefined;
  let transport: HttpTransport | undefined;
  let services: ResourceClient<Service>;
  let slices: ResourceClient<EndpointSlice>;
  const syncs: SyncReport[] = [];

  const slice = (svc: string, eps: { ip: string; node?: string }[], portName = 'http'): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: portName, port: 8080, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: true },
      nodeName: e.node ?? nodeName,
    })),
  });
  const service = (name: string, spec: Service['spec']): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
  });
  const get = (name: string): Promise<Service> => services.get(ns, name);

  before(async () => {
    const [s, l] = await Promise.all([startServer(), createLab(2)]);
    server = s;
    lab = l;
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    const client = new Client(transport);
    services = client.resource<Service>('', 'v1', 'services');
    slices = client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
    const nodes = client.resource<Node>('', 'v1', 'nodes');
    await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
    const addresses = [{ type: 'InternalIP', address: lab.nodeIP }];
    await nodes.patch(undefined, nodeName, 'merge', { status: { addresses } }, { subresource: 'status' });
    const [a, b] = lab.pods;
    await services.create(ns, service('web', { type: 'LoadBalancer' }));
    await slices.create(ns, slice('web', [{ ip: a!.ip }, { ip: b!.ip }]));
    await services.create(
      ns,
      service('sticky', {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      }),
    );
    await slices.create(ns, slice('sticky', [{ ip: a!.ip }, { ip: b!.ip }]));
    await services.create(ns, service('empty', {}));
    await services.create(ns, service('local', { type: 'NodePort', externalTrafficPolicy: 'Local' }));
    await slices.create(ns, slice('local', [{ ip: a!.ip }, { ip: b!.ip, node: 'another-node' }]));
    proxy = new ServiceProxy({
      client,
      nodeName,
      clusterCIDR: '10.244.0.0/16',
      lbPool: '172.31.0.0/24',
      runner: nftCommand({ netns: lab.nodeNs }),
      logger: silentLogger,
      onSync: (r) => syncs.push(r),
    });
    await proxy.start();
    // The LoadBalancer address comes back through the watch and a second sync.
    await eventually(
      () => get('web'),
      (s) => (s.status?.loadBalancer?.ingress?.length ?? 0) > 0,
      'LB address',
    );
    await eventually(
      async () => proxy!.lastSync?.servicePorts ?? 0,
      (n) => n >= 4,
      'first sync',
    );
  });

  after(async () => {
    await proxy?.stop();
    transport?.close();
    if (lab) {
      // The CLI's cleanup removes the table; the namespaces go with the lab either way.
      try {
        execFileSync(berthBin, ['proxy', '--cleanup', '--netns', lab.nodeNs], { stdio: 'pipe' });
        const left = execFileSync('ip', ['netns', 'exec', lab.nodeNs, 'nft', 'list', 'tables']).toString();
        assert.doesNotMatch(left, /table ip berth\b/);
      } finally {
        lab.destroy();
      }
    }
    await server?.stop();
  });

  const client = (): Promise<import('./proxy-lab.ts').Driver> => lab!.driver(lab!.clientNs);

  test('ClusterIP spreads over both ready endpoints (named targetPort from the slice)', async () => {
    const ip = (await get('web')).spec!.clusterIP!;
    const rs = await (await client()).get(`http://${ip}/`, 40);
    const seen = names(rs);
    assert.ok(
      seen.every((n) => n === 'pod0' || n === 'pod1'),
      seen.join(','),
    );
    assert.ok(seen.includes('pod0') && seen.includes('pod1'), `both backends: ${seen.join(',')}`);
    // From outside the cluster CIDR: masqueraded to the node's bridge address.
    assert.ok(
      remotes(rs).every((r) => r === lab!.bridgeIP),
      remotes(rs).join(','),
    );
  });

  test('NodePort answers on the node address', async () => {
    const port = (await get('web')).spec!.ports![0]!.nodePort!;
    const rs = await (await client()).get(`http://${lab!.nodeIP}:${port}/`, 10);
    assert.ok(
      names(rs).every((n) => n === 'pod0' || n === 'pod1'),
      names(rs).join(','),
    );
  });

  test('LoadBalancer: address from the pool, reachable, source ranges enforced, released on type change', async () => {
    const lbIP = (await get('web')).status!.loadBalancer!.ingress![0]!.ip!;
    assert.match(lbIP, /^172\.31\.0\.\d+$/);
    const ok = await (await client()).get(`http://${lbIP}/`, 10);
    assert.ok(
      names(ok).every((n) => n === 'pod0' || n === 'pod1'),
      names(ok).join(','),
    );

    await services.patch(ns, 'web', 'merge', { spec: { loadBalancerSourceRanges: ['10.99.0.0/16'] } });
    const denied = await eventually(
      () => client().then((c) => c.get(`http://${lbIP}/`, 1, 500)),
      (rs) => rs[0]?.err === 'ETIMEDOUT',
      'source range drop',
    );
    assert.equal(denied[0]!.err, 'ETIMEDOUT');
    await services.patch(ns, 'web', 'merge', { spec: { loadBalancerSourceRanges: [`${lab!.clientIP}/32`] } });
    await eventually(
      () => client().then((c) => c.get(`http://${lbIP}/`, 1, 1000)),
      (rs) => rs[0]?.body !== undefined,
      'source range allow',
    );

    await services.patch(ns, 'web', 'merge', { spec: { type: 'ClusterIP', loadBalancerSourceRanges: null } });
    await eventually(
      () => get('web'),
      (s) => (s.status?.loadBalancer?.ingress?.length ?? 0) === 0,
      'LB release',
    );
    // The released address is refused (it sits in the pool range but carries no rule).
    const gone = await eventually(
      () => client().then((c) => c.get(`http://${lbIP}/`, 1, 2000)),
      (rs) => rs[0]?.err !== undefined,
      'LB address refused',
    );
    assert.equal(gone[0]!.err, 'ECONNREFUSED');
  });

  test('sessionAffinity ClientIP keeps one client on one backend', async () => {
    const ip = (await get('sticky')).spec!.clusterIP!;
    const seen = new Set(names(await (await client()).get(`http://${ip}/`, 20)));
    assert.equal(seen.size, 1, [...seen].join(','));
  });

  test('no endpoints, or an unknown service address: refused at once', async () => {
    const ip = (await get('empty')).spec!.clusterIP!;
    const [r] = await (await client()).get(`http://${ip}/`, 1);
    assert.equal(r!.err, 'ECONNREFUSED');
    assert.ok(r!.ms < 1000, `refused after ${r!.ms} ms`);
    const [u] = await (await client()).get('http://10.111.222.123:81/', 1);
    assert.equal(u!.err, 'ECONNREFUSED');
  });

  test('endpoint removal lands within one sync of the slice update', async () => {
    const ip = (await get('web')).spec!.clusterIP!;
    const cur = await slices.get(ns, 'web-1');
    const before = syncs.length;
    const t0 = performance.now();
    await slices.update(ns, { ...cur, endpoints: cur.endpoints!.slice(0, 1) });
    const sync = await eventually(
      async () => syncs.slice(before).find((s) => s.bytes > 0),
      (s) => !!s,
      'sync',
    );
    const landed = performance.now() - t0;
    process.stdout.write(
      `# endpoint removal: slice update → rules applied in ${landed.toFixed(0)} ms ` +
        `(render ${sync!.renderMs.toFixed(1)} ms, nft ${sync!.applyMs.toFixed(1)} ms)\n`,
    );
    // ~100 ms on an idle machine; generous bound for a busy 2-core CI box.
    assert.ok(landed < 1500, `took ${landed} ms`);
    const seen = names(await (await client()).get(`http://${ip}/`, 20));
    assert.deepEqual([...new Set(seen)], ['pod0']);
  });

  test('externalTrafficPolicy Local: only local endpoints, client address preserved', async () => {
    const port = (await get('local')).spec!.ports![0]!.nodePort!;
    const rs = await (await client()).get(`http://${lab!.nodeIP}:${port}/`, 10);
    assert.deepEqual([...new Set(names(rs))], ['pod0']);
    assert.deepEqual([...new Set(remotes(rs))], [lab!.clientIP]);
  });

  test('hairpin: a pod reaches itself through its own service', async () => {
    const ip = (await get('local')).spec!.clusterIP!;
    // Only pod0 is local, but ClusterIP traffic uses every endpoint; ask until pod0 answers itself.
    const rs = await (await lab!.driver(lab!.pods[0]!.ns)).get(`http://${ip}/`, 12);
    assert.ok(
      rs.every((r) => r.body !== undefined),
      JSON.stringify(rs),
    );
    const self = rs.filter((r) => r.body!.startsWith('pod0 '));
    assert.ok(self.length > 0, 'pod0 never picked itself');
    // Hairpin is masqueraded so the reply comes back through the node.
    assert.ok(
      self.every((r) => r.body === `pod0 ${lab!.bridgeIP}`),
      JSON.stringify(self),
    );
  });
});
