/**
 * Service proxy on real nftables: 5,000 services x 2 endpoints programmed from scratch and one endpoint change, beside nft's own floor, plus throughput through a ClusterIP vs the pod IP.
 *
 * Everything runs in throwaway network namespaces (removed at the end). "From scratch" times what a
 * full sync does: model from Service/EndpointSlice objects, render, transaction text, `nft -f` into
 * an empty table; its baseline is `nft -f` of a flat ruleset with the same DNAT behaviour written
 * naively (one chain, two rules per service, text prepared beforehand) - the floor of nft itself.
 * The older layout (one chain per service port, which ports with affinity or a Local policy still
 * get) is timed beside it. "One endpoint change" times the incremental path (re-model one Service,
 * render with the cache, diff, apply) at that size, with the same change in the one-chain-per-port
 * layout as its same-run baseline, and as floors a ready-made transaction of the same kind applied
 * to the same table.
 * Wall times on a busy machine stretch with the load, so the CPU time nft used is reported too.
 * Throughput: wrk inside a pod-network namespace routed through the node (10.244.2.2, so both paths
 * cross the node's IP layer and only the ClusterIP one is DNATed) to an nginx in a pod, through the
 * ClusterIP and straight to the pod IP, in adjacent pairs (which goes first flips each pair; the
 * ratio is the median of per-pair ratios): over kept-alive connections, and with a new connection
 * per request (where NAT and conntrack cost most). A client outside the cluster CIDR (masqueraded,
 * as kube-proxy does) is reported too, without a target.
 * Args: --services N (5000) --runs N (3) --change-runs N (10) --duration S (2) --pairs N (4)
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { servicePorts } from '../src/node/proxy/model.ts';
import { nftCommand } from '../src/node/proxy/nft-runner.ts';
import { diffTransaction, fullTransaction } from '../src/node/proxy/nft-text.ts';
import { renderCache, renderRuleset } from '../src/node/proxy/ruleset.ts';
import type { EndpointSlice, ProxyState, Service, ServicePortInfo } from '../src/node/proxy/types.ts';
import { createLab, labSkip } from '../test/e2e/proxy-lab.ts';
import { createSuite, summarize, type Suite } from './harness.ts';
import { ingressSkip, nginxWith } from './ingress.ts';
import { figuresTable, type Figure } from './lib/figures.ts';

/** How the proxy benchmark runs. */
export interface ProxyBenchOptions {
  services: number;
  runs: number;
  changeRuns: number;
  /** Seconds per wrk run. */
  duration: number;
  /** Subject/baseline pairs per throughput figure. */
  pairs: number;
}

/** The option flags of `runProxyBench`, for parseArgs. */
export const proxyArgs = {
  services: { type: 'string', default: '5000' },
  runs: { type: 'string', default: '3' },
  'change-runs': { type: 'string', default: '10' },
  duration: { type: 'string', default: '2' },
  pairs: { type: 'string', default: '4' },
} as const;

/** ProxyBenchOptions from parsed `proxyArgs` values. */
export function proxyOptions(v: {
  services: string;
  runs: string;
  'change-runs': string;
  duration: string;
  pairs: string;
}): ProxyBenchOptions {
  return {
    services: Number(v.services),
    runs: Number(v.runs),
    changeRuns: Number(v['change-runs']),
    duration: Number(v.duration),
    pairs: Number(v.pairs),
  };
}

/** CPU milliseconds used by waited-for children so far (utime + stime of reaped children). */
export function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime, cstime in 1/100 s
}

const ip4 = (a: number, b: number, c: number, d: number): string => `${a}.${b}.${c}.${d}`;
function objects(i: number): { svc: Service; slice: EndpointSlice } {
  const ns = `ns${i % 50}`;
  const name = `svc-${i}`;
  const svc: Service = {
    metadata: { name, namespace: ns, resourceVersion: '1' },
    spec: {
      clusterIP: ip4(10, 96 + (i >> 16), (i >> 8) & 255, i & 255),
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
  const slice: EndpointSlice = {
    metadata: { name: `${name}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [1, 2].map((d) => ({
      addresses: [ip4(10, 244 + (i >> 14), (i >> 6) & 255, ((i & 63) << 2) + d)],
      conditions: { ready: true },
      nodeName: 'n1',
    })),
  };
  return { svc, slice };
}
function flatBaseline(objs: { svc: Service; slice: EndpointSlice }[]): string {
  const t = 'ip flat';
  const out = [`add table ${t}`, `delete table ${t}`, `add table ${t}`];
  out.push(`add chain ${t} pre { type nat hook prerouting priority -100; policy accept; }`);
  for (const { svc, slice } of objs) {
    const [a, b] = slice.endpoints!.map((e) => e.addresses[0]);
    out.push(
      `add rule ${t} pre ip daddr ${svc.spec!.clusterIP} tcp dport 80 numgen random mod 2 == 0 dnat to ${a}:8080`,
    );
    out.push(`add rule ${t} pre ip daddr ${svc.spec!.clusterIP} tcp dport 80 dnat to ${b}:8080`);
  }
  return out.join('\n') + '\n';
}

async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = childCpuMs();
  const t0 = performance.now();
  await fn();
  return { wall: performance.now() - t0, cpu: childCpuMs() - c0 };
}
const med = (xs: number[]): number => summarize(xs).p50;

type LabT = Awaited<ReturnType<typeof createLab>>;

/** One wrk run from network namespace `ns`: requests/s (NaN when wrk printed none). */
function wrkIn(ns: string, url: string, seconds: number, close: boolean): number {
  const args = ['netns', 'exec', ns, 'wrk', '-t1', '-c8', `-d${seconds}s`];
  if (close) args.push('-H', 'Connection: close');
  const out = execFileSync('ip', [...args, url]).toString();
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk ${url}: ${errors[1]} non-2xx responses`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
}

/** `pairs` adjacent subject/baseline runs (order flips each pair): medians and the median pair ratio. */
function pairedRuns(
  pairs: number,
  subject: () => number,
  baseline: () => number,
): { subject: number[]; baseline: number[]; ratio: number } {
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 1) b.push(baseline());
    s.push(subject());
    if (i % 2 === 0) b.push(baseline());
  }
  return { subject: s, baseline: b, ratio: med(s.map((x, i) => x / b[i]!)) };
}

/**
 * ClusterIP vs pod IP on the lab: nginx in the lab's pod answers on 8081; a Service 10.96.0.10:80
 * points at it. The in-cluster client is a namespace on its own pod subnet (10.244.2.2/24, routed
 * by the node), so the direct path is routed too and the two differ by the service DNAT only.
 */
async function throughput(
  suite: Pick<Suite, 'note'>,
  lab: LabT,
  settings: ProxyState['settings'],
  o: ProxyBenchOptions,
): Promise<Figure[]> {
  const pod = lab.pods[0]!;
  const clientNs = `${lab.nodeNs.replace(/-node$/, '')}-rpod`;
  const work = mkdtempSync(join(tmpdir(), 'bench-proxy-'));
  const children: ChildProcess[] = [];
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'ignore' });
  try {
    ip('netns', 'add', clientNs);
    ip('-n', clientNs, 'link', 'set', 'lo', 'up');
    ip('-n', lab.nodeNs, 'link', 'add', 'to-rpod', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', clientNs);
    ip('-n', lab.nodeNs, 'addr', 'add', '10.244.2.1/24', 'dev', 'to-rpod');
    ip('-n', lab.nodeNs, 'link', 'set', 'to-rpod', 'up');
    ip('-n', clientNs, 'addr', 'add', '10.244.2.2/24', 'dev', 'eth0');
    ip('-n', clientNs, 'link', 'set', 'eth0', 'up');
    ip('-n', clientNs, 'route', 'add', 'default', 'via', '10.244.2.1');
    await nginxWith(
      work,
      'pod',
      'server { listen 8081; keepalive_requests 1000000; location / { return 200 "ok\\n"; } }',
      children,
      { netns: pod.ns },
    );
    const one: Service = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] },
    };
    const sl: EndpointSlice = {
      metadata: { name: 'web-1', namespace: 'default' },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8081, protocol: 'TCP' }],
      endpoints: [{ addresses: [pod.ip], conditions: { ready: true }, nodeName: 'n1' }],
    };
    const st: ProxyState = {
      settings: { ...settings, clusterCIDR: '10.244.0.0/16' },
      services: servicePorts(one, [sl], 'n1'),
    };
    await nftCommand({ netns: lab.nodeNs }).apply(fullTransaction(renderRuleset(st)));
    const svcUrl = 'http://10.96.0.10/';
    const podUrl = `http://${pod.ip}:8081/`;
    const d = o.duration;
    wrkIn(clientNs, svcUrl, 1, false); // warm-up, and proof that both paths answer
    wrkIn(clientNs, podUrl, 1, false);
    const kept = pairedRuns(
      o.pairs,
      () => wrkIn(clientNs, svcUrl, d, false),
      () => wrkIn(clientNs, podUrl, d, false),
    );
    const fresh = pairedRuns(
      o.pairs,
      () => wrkIn(clientNs, svcUrl, d, true),
      () => wrkIn(clientNs, podUrl, d, true),
    );
    const outside = pairedRuns(
      Math.max(2, o.pairs >> 1),
      () => wrkIn(lab.clientNs, svcUrl, d, true),
      () => wrkIn(lab.clientNs, podUrl, d, true),
    );
    const round = (xs: number[]): number[] => xs.map(Math.round);
    suite.note('throughput req/s (ClusterIP | pod IP)', {
      keepAlive: [round(kept.subject), round(kept.baseline)],
      newConnection: [round(fresh.subject), round(fresh.baseline)],
      offClusterNewConnection: [round(outside.subject), round(outside.baseline)],
    });
    const figure = (name: string, r: typeof kept, target: boolean): Figure => ({
      name,
      value: med(r.subject),
      unit: '/s',
      baselineName: 'straight to the pod IP, same pod',
      baseline: med(r.baseline),
      ratio: r.ratio,
      ...(target ? { target: { op: '>=' as const, value: 0.9, on: 'ratio' as const } } : {}),
    });
    return [
      figure('HTTP via ClusterIP, pod client, kept-alive connections', kept, true),
      figure('HTTP via ClusterIP, pod client, new connection per request', fresh, true),
      figure('HTTP via ClusterIP, off-cluster client (masqueraded), new connections', outside, false),
    ];
  } finally {
    for (const c of children) c.kill('SIGQUIT');
    try {
      ip('netns', 'delete', clientNs);
    } catch {
      // never made
    }
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Endpoint changes at full size in layout `set`: the table is built, then each run takes one
 * endpoint from a Service or gives it back (re-model, render with the cache, diff, apply) and, as
 * its floor, applies a ready-made transaction of the same kind on the same table: for the shared
 * maps a two-element add and delete on a spare set, for a chain per port a one-chain refill.
 */
async function endpointChanges(
  nft: ReturnType<typeof nftCommand>,
  objs: { svc: Service; slice: EndpointSlice }[],
  set: ProxyState['settings'],
  changeRuns: number,
): Promise<{ wall: number[]; cpu: number[]; render: number[]; floor: number[]; sample: string }> {
  const N = objs.length;
  const cache = renderCache();
  let ports: ServicePortInfo[][] = objs.map(({ svc, slice }) => servicePorts(svc, [slice], 'n1'));
  let applied = renderRuleset({ settings: set, services: ports.flat() }, cache);
  await nft.apply(fullTransaction(applied));
  await nft.apply('add set ip berth bench-spare { type ipv4_addr; }\n');
  const out = { wall: [] as number[], cpu: [] as number[], render: [] as number[], floor: [] as number[] };
  let sample = '';
  for (let r = 0; r < changeRuns + 2; r++) {
    const i = ((r >> 1) * 997) % N; // even runs remove an endpoint, odd runs put it back
    const { svc, slice } = objs[i]!;
    const eps = r % 2 === 0 ? slice.endpoints!.slice(0, 1) : slice.endpoints!;
    let renderMs = 0;
    let text = '';
    const s = await timed(async () => {
      const t0 = performance.now();
      const next = ports.slice();
      next[i] = servicePorts(svc, [{ ...slice, endpoints: eps }], 'n1');
      const rs = renderRuleset({ settings: set, services: next.flat() }, cache);
      text = diffTransaction(applied, rs);
      renderMs = performance.now() - t0;
      await nft.apply(text);
      applied = rs;
      ports = next;
    });
    const chain = /^flush chain ip berth (\S+)$/m.exec(text)?.[1];
    const ready = chain
      ? `flush chain ip berth ${chain}\n` +
        text
          .split('\n')
          .filter((l) => l.startsWith(`add rule ip berth ${chain} `))
          .join('\n') +
        '\n'
      : 'add element ip berth bench-spare { 192.0.2.1 }\ndelete element ip berth bench-spare { 192.0.2.1 }\n';
    const b = await timed(() => nft.apply(ready));
    if (r < 2) continue;
    if (r === 2) sample = text;
    out.wall.push(s.wall);
    out.cpu.push(s.cpu);
    out.render.push(renderMs);
    out.floor.push(b.wall);
  }
  return { ...out, sample };
}

/**
 * Runs the rule-sync and throughput measurements and returns their figures; notes go to `suite`.
 * Needs root, ip and nft (see labSkip); the throughput part also needs wrk and nginx.
 */
export async function runProxyBench(suite: Pick<Suite, 'note'>, o: ProxyBenchOptions): Promise<Figure[]> {
  const why = labSkip();
  if (why) throw new Error(`bench proxy: ${why}`);
  const N = o.services;
  const { runs, changeRuns } = o;
  const figures: Figure[] = [];
  suite.note('config', {
    services: N,
    endpointsPerService: 2,
    runs,
    changeRuns,
    duration: o.duration,
    pairs: o.pairs,
    cpus: (await import('node:os')).availableParallelism(),
  });
  const objs = Array.from({ length: N }, (_, i) => objects(i));
  const settings: ProxyState['settings'] = {
    table: 'berth',
    clusterCIDR: '10.244.0.0/14',
    serviceCIDR: '10.96.0.0/12',
    lbPool: '172.31.0.0/24',
    nodeIPs: ['192.168.77.1'],
  };
  const benchNs = `bpxb${process.pid}`;
  execFileSync('ip', ['netns', 'add', benchNs]);
  let lab: LabT | undefined;
  try {
    const nft = nftCommand({ netns: benchNs });
    const drop = (table: string): Promise<void> =>
      nft.apply(`add table ip ${table}\ndelete table ip ${table}\n`);

    // --- from scratch --------------------------------------------------------------------------
    // Both layouts: the shared maps (what the proxy does) and one chain per port (the older layout,
    // still used for ports with affinity or a Local policy), each beside the flat floor.
    const flat = flatBaseline(objs);
    const chainsLayout: ProxyState['settings'] = { ...settings, sharedPickMax: 0 };
    const scratch = { wall: [] as number[], cpu: [] as number[], render: [] as number[] };
    const scratchChains = { wall: [] as number[], cpu: [] as number[] };
    const floor = { wall: [] as number[], cpu: [] as number[] };
    let bytes = 0;
    let bytesChains = 0;
    const fromScratch = async (set: ProxyState['settings']): Promise<{ wall: number; cpu: number }> => {
      await drop('berth');
      let renderMs = 0;
      const r = await timed(async () => {
        const t0 = performance.now();
        const ports = objs.flatMap(({ svc, slice }) => servicePorts(svc, [slice], 'n1'));
        const text = fullTransaction(renderRuleset({ settings: set, services: ports }));
        renderMs = performance.now() - t0;
        if (set === settings) bytes = text.length;
        else bytesChains = text.length;
        await nft.apply(text);
      });
      if (set === settings) scratch.render.push(renderMs);
      return r;
    };
    for (let r = 0; r < runs + 1; r++) {
      await drop('flat');
      const s = await fromScratch(settings);
      const c = await fromScratch(chainsLayout);
      const b = await timed(() => nft.apply(flat));
      if (r === 0) {
        scratch.render.length = 0;
        continue; // warm-up (JIT, page cache)
      }
      scratch.wall.push(s.wall);
      scratch.cpu.push(s.cpu);
      scratchChains.wall.push(c.wall);
      scratchChains.cpu.push(c.cpu);
      floor.wall.push(b.wall);
      floor.cpu.push(b.cpu);
    }
    suite.note('from scratch', {
      transactionBytes: bytes,
      transactionBytesOneChainPerPort: bytesChains,
      renderMedianMs: med(scratch.render),
      nftCpuMedianMs: med(scratch.cpu),
      oneChainPerPortNftCpuMedianMs: med(scratchChains.cpu),
      flatNftCpuMedianMs: med(floor.cpu),
    });
    figures.push({
      name: `${N} services x 2 endpoints from scratch (wall)`,
      value: med(scratch.wall),
      unit: 'ms',
      baselineName: 'flat ruleset, nft -f only',
      baseline: med(floor.wall),
      target: { op: '<=', value: 2000 },
    });
    figures.push({
      name: 'from scratch: nft CPU time',
      value: med(scratch.cpu),
      unit: 'ms',
      baselineName: 'flat ruleset nft CPU',
      baseline: med(floor.cpu),
    });
    figures.push({
      name: 'from scratch, one chain per port (older layout) (wall)',
      value: med(scratchChains.wall),
      unit: 'ms',
      baselineName: 'flat ruleset, nft -f only',
      baseline: med(floor.wall),
    });
    await drop('flat');

    // --- one endpoint change -------------------------------------------------------------------
    const shared = await endpointChanges(nft, objs, settings, changeRuns);
    const chains = await endpointChanges(nft, objs, chainsLayout, changeRuns);
    suite.note('one endpoint change', {
      renderAndDiffMedianMs: med(shared.render),
      nftCpuMedianMs: med(shared.cpu),
      transaction: shared.sample,
      oneChainPerPortRenderAndDiffMedianMs: med(chains.render),
      oneChainPerPortNftCpuMedianMs: med(chains.cpu),
    });
    figures.push({
      name: `one endpoint change at ${N} services (wall)`,
      value: med(shared.wall),
      unit: 'ms',
      baselineName: 'same change, one chain per port',
      baseline: med(chains.wall),
      target: { op: '<=', value: 100 },
    });
    figures.push({
      name: 'one endpoint change: nft floor on the same table',
      value: med(shared.floor),
      unit: 'ms',
      baselineName: 'ready one-chain refill, chain layout',
      baseline: med(chains.floor),
    });
    figures.push({ name: 'one endpoint change: render + diff', value: med(shared.render), unit: 'ms' });
    await drop('berth');

    // --- throughput ----------------------------------------------------------------------------
    if (!ingressSkip()) {
      lab = await createLab(1);
      figures.push(...(await throughput(suite, lab, settings, o)));
    }
  } finally {
    lab?.destroy();
    execFileSync('ip', ['netns', 'delete', benchNs]);
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: proxyArgs });
  const figures: Figure[] = [];
  const suite = createSuite('proxy', {
    print: (text) =>
      process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
  });
  figures.push(...(await runProxyBench(suite, proxyOptions(values))));
  suite.finish();
}
