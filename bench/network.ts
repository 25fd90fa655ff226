/**
 * Cluster networking (issue 6 §8): ClusterIP vs pod IP throughput, rule sync at 5,000 services, cluster DNS vs dnsmasq, and Ingress vs a hand-written nginx config, each with its same-run baseline.
 *
 * One run of the three benchmarks bench/proxy.ts, bench/dns.ts and bench/ingress.ts (their own
 * functions, run one after another in this process) ending in one figures table and one result
 * file. The load average is recorded before and after each part, since every figure here is
 * sensitive to what else the machine is doing; the ratios to the same-run baselines are the
 * figures to compare between runs. Flags of a part take its name as a prefix, e.g.
 * --proxy-services 5000 --dns-duration 5 --ingress-runs 8; --only proxy,dns,ingress picks parts.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { addFiguresToResult, dnsArgs, dnsOptions, runDnsBench } from './dns.ts';
import { createSuite, type Suite } from './harness.ts';
import { ingressArgs, ingressOptions, ingressSkip, runIngressBench } from './ingress.ts';
import { figuresTable, type Figure } from './lib/figures.ts';
import { proxyArgs, proxyOptions, runProxyBench } from './proxy.ts';

type OptionSpec = { type: 'string' | 'boolean'; default?: string | boolean };

/** A part's flags under `prefix-`, for one parseArgs call over all parts. */
function prefixed(prefix: string, spec: Record<string, OptionSpec>): Record<string, OptionSpec> {
  return Object.fromEntries(Object.entries(spec).map(([k, o]) => [`${prefix}-${k}`, o]));
}

/** The values of one part's flags, with the prefix taken off again. */
function part(prefix: string, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(values))
    if (k.startsWith(`${prefix}-`)) out[k.slice(prefix.length + 1)] = x;
  return out;
}

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'proxy,dns,ingress' },
    ...prefixed('proxy', proxyArgs),
    ...prefixed('dns', dnsArgs),
    ...prefixed('ingress', ingressArgs),
  },
});
const only = new Set(String(values.only).split(','));

const figures: Figure[] = [];
const suite = createSuite('network', {
  print: (text) =>
    process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
});
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Runs one part with its notes under its name; a part that fails is reported and the rest go on. */
async function run(name: string, fn: (s: Pick<Suite, 'note'>) => Promise<Figure[]>): Promise<void> {
  if (!only.has(name)) return;
  const notes: Pick<Suite, 'note'> = { note: (k, v) => suite.note(`${name} ${k}`, v) };
  const before = load();
  const t0 = performance.now();
  try {
    figures.push(...(await fn(notes)));
  } catch (err) {
    process.stderr.write(`network bench, ${name}: ${err instanceof Error ? err.stack : String(err)}\n`);
    suite.note(`${name} failed`, err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
  suite.note(`${name} load average (1/5/15 min)`, {
    before,
    after: load(),
    seconds: Math.round((performance.now() - t0) / 1000),
  });
}

const v = values as Record<string, unknown>;
await run('proxy', (s) =>
  runProxyBench(s, proxyOptions(part('proxy', v) as Parameters<typeof proxyOptions>[0])),
);
await run('dns', (s) => runDnsBench(s, dnsOptions(part('dns', v) as Parameters<typeof dnsOptions>[0])));
await run('ingress', (s) => {
  const why = ingressSkip();
  if (why) throw new Error(why);
  return runIngressBench(s, ingressOptions(part('ingress', v) as Parameters<typeof ingressOptions>[0]));
});
addFiguresToResult(suite.finish(), figures);
