/**
 * Service proxy rule sync on real nftables: 5,000 services x 2 endpoints programmed from scratch and one endpoint change, beside nft's own floor, plus throughput through a ClusterIP vs the pod IP.
 *
 * Everything runs in throwaway network namespaces (removed at the end). "From scratch" times what a
 * full sync does: model from Service/EndpointSlice objects, render, transaction text, `nft -f` into
 * an empty table; its baseline is `nft -f` of a flat ruleset with the same DNAT behaviour written
 * naively (one chain, two rules per service, text prepared beforehand) - the floor of nft itself.
 * "One endpoint change" times the incremental path (re-model one Service, render with the cache,
 * diff, apply) at that size; its baseline is applying an equally small ready-made transaction.
 * Wall times on a busy machine stretch with the load, so the CPU time nft used is reported too.
 * Throughput: wrk from a client namespace, one connection per request, to the ClusterIP and straight
 * to the pod, alternating. Args: --services N (5000) --runs N (3) --change-runs N (10) --duration S (3)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { servicePorts } from '../src/node/proxy/model.ts';
import { nftCommand } from '../src/node/proxy/nft-runner.ts';
import { diffTransaction, fullTransaction } from '../src/node/proxy/nft-text.ts';
import { renderCache, renderRuleset } from '../src/node/proxy/ruleset.ts';
import type { EndpointSlice, ProxyState, Service, ServicePortInfo } from '../src/node/proxy/types.ts';
import { createLab, labSkip } from '../test/e2e/proxy-lab.ts';
import { createSuite, summarize } from './harness.ts';
import { figuresTable, type Figure } from './lib/figures.ts';

const { values: v } = parseArgs({
  options: {
    services: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    'change-runs': { type: 'string', default: '10' },
    duration: { type: 'string', default: '3' },
  },
});
const N = Number(v.services);
const runs = Number(v.runs);
const changeRuns = Number(v['change-runs']);
const why = labSkip();
if (why) throw new Error(`bench proxy: ${why}`);

const figures: Figure[] = [];
const suite = createSuite('proxy', {
  print: (text) =>
    process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
});
suite.note('config', {
  services: N,
  endpointsPerService: 2,
  runs,
  changeRuns,
  cpus: (await import('node:os')).availableParallelism(),
});

/** CPU milliseconds used by waited-for children so far (utime + stime of reaped children). */
function childCpuMs(): number {
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
const objs = Array.from({ length: N }, (_, i) => objects(i));
const settings: ProxyState['settings'] = {
  table: 'berth',
  clusterCIDR: '10.244.0.0/14',
  serviceCIDR: '10.96.0.0/12',
  lbPool: '172.31.0.0/24',
  nodeIPs: ['192.168.77.1'],
};

function flatBaseline(): string {
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

const benchNs = `bpxb${process.pid}`;
execFileSync('ip', ['netns', 'add', benchNs]);
let lab: Awaited<ReturnType<typeof createLab>> | undefined;
try {
  const nft = nftCommand({ netns: benchNs });
  const drop = (table: string): Promise<void> =>
    nft.apply(`add table ip ${table}\ndelete table ip ${table}\n`);

  // --- from scratch --------------------------------------------------------------------------
  const flat = flatBaseline();
  const scratch = { wall: [] as number[], cpu: [] as number[], render: [] as number[] };
  const floor = { wall: [] as number[], cpu: [] as number[] };
  let bytes = 0;
  for (let r = 0; r < runs + 1; r++) {
    await drop('berth');
    await drop('flat');
    let renderMs = 0;
    const s = await timed(async () => {
      const t0 = performance.now();
      const ports = objs.flatMap(({ svc, slice }) => servicePorts(svc, [slice], 'n1'));
      const text = fullTransaction(renderRuleset({ settings, services: ports }));
      renderMs = performance.now() - t0;
      bytes = text.length;
      await nft.apply(text);
    });
    const b = await timed(() => nft.apply(flat));
    if (r === 0) continue; // warm-up (JIT, page cache)
    scratch.wall.push(s.wall);
    scratch.cpu.push(s.cpu);
    scratch.render.push(renderMs);
    floor.wall.push(b.wall);
    floor.cpu.push(b.cpu);
  }
  suite.note('from scratch', {
    transactionBytes: bytes,
    renderMedianMs: med(scratch.render),
    nftCpuMedianMs: med(scratch.cpu),
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
  await drop('flat');

  // --- one endpoint change -------------------------------------------------------------------
  const cache = renderCache();
  let ports: ServicePortInfo[][] = objs.map(({ svc, slice }) => servicePorts(svc, [slice], 'n1'));
  let applied = renderRuleset({ settings, services: ports.flat() }, cache);
  await nft.apply(fullTransaction(applied));
  const change = { wall: [] as number[], cpu: [] as number[], render: [] as number[] };
  const small = { wall: [] as number[], cpu: [] as number[] };
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
      const rs = renderRuleset({ settings, services: next.flat() }, cache);
      text = diffTransaction(applied, rs);
      renderMs = performance.now() - t0;
      await nft.apply(text);
      applied = rs;
      ports = next;
    });
    // Floor: an equally small transaction, ready-made (flush and refill one chain).
    const chain = text
      .split('\n')
      .find((l) => l.startsWith('flush chain'))!
      .split(' ')[4]!;
    const refill =
      `flush chain ip berth ${chain}\n` +
      text
        .split('\n')
        .filter((l) => l.startsWith(`add rule ip berth ${chain} `))
        .join('\n') +
      '\n';
    const b = await timed(() => nft.apply(refill));
    if (r < 2) continue;
    change.wall.push(s.wall);
    change.cpu.push(s.cpu);
    change.render.push(renderMs);
    small.wall.push(b.wall);
    small.cpu.push(b.cpu);
  }
  suite.note('one endpoint change', {
    renderAndDiffMedianMs: med(change.render),
    nftCpuMedianMs: med(change.cpu),
  });
  figures.push({
    name: `one endpoint change at ${N} services (wall)`,
    value: med(change.wall),
    unit: 'ms',
    baselineName: 'nft -f of a ready one-chain refill',
    baseline: med(small.wall),
    target: { op: '<=', value: 100 },
  });
  figures.push({ name: 'one endpoint change: render + diff', value: med(change.render), unit: 'ms' });
  await drop('berth');

  // --- throughput ----------------------------------------------------------------------------
  if (spawnSync('wrk', ['--version']).error === undefined) {
    lab = await createLab(1);
    const pod = lab.pods[0]!;
    const one: Service = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] },
    };
    const sl: EndpointSlice = {
      metadata: { name: 'web-1', namespace: 'default' },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: [pod.ip], conditions: { ready: true }, nodeName: 'n1' }],
    };
    const st: ProxyState = {
      settings: { ...settings, clusterCIDR: '10.244.0.0/16' },
      services: servicePorts(one, [sl], 'n1'),
    };
    await nftCommand({ netns: lab.nodeNs }).apply(fullTransaction(renderRuleset(st)));
    const wrk = (url: string): number => {
      const out = execFileSync('ip', [
        'netns',
        'exec',
        lab!.clientNs,
        'wrk',
        '-t1',
        '-c8',
        `-d${v.duration}s`,
        url,
      ]).toString();
      return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
    };
    const viaSvc: number[] = [];
    const direct: number[] = [];
    for (let r = 0; r < 4; r++) {
      if (r % 2 === 0) viaSvc.push(wrk('http://10.96.0.10/'));
      direct.push(wrk(`http://${pod.ip}:8080/`));
      if (r % 2 === 1) viaSvc.push(wrk('http://10.96.0.10/'));
    }
    suite.note('throughput req/s', { clusterIP: viaSvc, podIP: direct });
    figures.push({
      name: 'HTTP through the ClusterIP (new connection per request)',
      value: med(viaSvc),
      unit: '/s',
      baselineName: 'straight to the pod IP',
      baseline: med(direct),
      target: { op: '>=', value: 0.9, on: 'ratio' },
    });
  }
} finally {
  lab?.destroy();
  execFileSync('ip', ['netns', 'delete', benchNs]);
}
suite.finish();
