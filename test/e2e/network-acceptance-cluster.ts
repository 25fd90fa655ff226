/**
 * The cluster the network acceptance test (network-acceptance.test.ts) runs on: a `berth server` on
 * 0.0.0.0, a bootstrap token, and three namespace machines made at once with `berth machine create`
 * (each with `--lb-pool`: its agent hands out LoadBalancer addresses and the host routes the pool
 * across the machines, Berth's stand-in for the router in front of a cloud load balancer); the redis
 * image imported into every machine's containerd; and `berth ingress` on host loopback ports, pointed at the cluster. Also the host
 * snapshot used to show that deleting every machine leaves the host as it was.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { importImages } from '../../src/node/images/local-images.ts';
import type { RedisImage } from '../../src/node/images/redis.ts';
import { hostVethName } from '../../src/node/machines/netns-provider.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';
import { berthBin, freePort, repoRoot, startServer, type TestServer } from '../helpers/server.ts';

/** One finished `berth` run. */
export interface Run {
  code: number;
  out: string;
}

/** Runs the berth CLI to completion (stdout and stderr together). */
export function berth(args: string[], timeoutMs = 180_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
  });
}

/** Polls `fn` until it returns a value; throws with the last error after `ms`. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Runs a host command and returns its stdout (stderr is kept out of the test output). */
export const sh = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The host's network state as sets of lines: links (without their index), routes, the nft ruleset
 * and iptables-save without comments and counters.
 */
export function hostSnapshot(): Record<string, string[]> {
  return {
    link: sh('ip', ['-o', 'link'])
      .split('\n')
      .map((l) => l.replace(/^\d+: /, '')),
    route: sh('ip', ['route']).split('\n'),
    nft: sh('nft', ['list', 'ruleset']).split('\n'),
    iptables: sh('iptables-save', [])
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]/g, '')),
  };
}

/** The three-machine cluster; `names` is [A, B, C]. */
export interface Cluster {
  server: TestServer;
  k: KubectlSession;
  dir: string;
  bridge: string;
  subnet: string;
  lbPool: string;
  clusterCidr: string;
  names: [string, string, string];
  addresses: Record<string, string>;
  ingressHttp: string;
  ingressHttps: string;
  /** Whether a host line belongs to this cluster (its bridge, machines, subnets, pool). */
  mine(line: string): boolean;
  ingressLog(): string;
  /** Deletes every machine (with its Node); returns the CLI output. */
  deleteMachines(): Promise<Run>;
  /** Stops everything still running and removes what is left, whatever state the tests reached. */
  close(): Promise<void>;
}

/** Starts the server, the machines (in parallel), imports `redis` everywhere and starts the ingress. */
export async function startCluster(redis: RedisImage): Promise<Cluster> {
  const tag = randomBytes(2).toString('hex');
  const octet = 100 + (randomBytes(1)[0]! % 100);
  const bridge = `bna${tag}`;
  const subnet = `172.28.${octet}.0/24`;
  const lbPool = `172.27.${octet}.0/28`;
  // 10.225–249: machines.test.ts draws from 10.200–224 and agent-network.test.ts from 10.150–189;
  // with a shared range, another file's route (10.243.1.0/24 via its own bridge) once matched `mine`
  // and its removal failed "deleting every machine leaves the host as it was".
  const clusterCidr = `10.${225 + (randomBytes(1)[0]! % 25)}.0.0/16`;
  const clusterPrefix = clusterCidr.split('.').slice(0, 2).join('.') + '.';
  const names: [string, string, string] = [`na${tag}`, `nb${tag}`, `nc${tag}`];
  const dir = mkdtempSync('/tmp/bna-');
  const common = ['--data-dir', dir, '--bridge', bridge, '--subnet', subnet];
  const addresses: Record<string, string> = {};
  let server: TestServer | undefined;
  let k: KubectlSession | undefined;
  let ingress: ChildProcess | undefined;
  let ingressLog = '';
  let machinesGone = false;

  const mine = (line: string): boolean =>
    [
      bridge,
      ...names,
      `172.28.${octet}.`,
      `172.27.${octet}.`,
      clusterPrefix,
      'berth-podnet',
      hostVethName(bridge, 2).slice(0, 6),
    ].some((s) => line.includes(s));

  // One `berth machine delete` per machine, at once: the state file's lock serializes the record
  // updates, and whichever finishes last removes the bridge.
  const deleteMachines = async (): Promise<Run> => {
    const auth = server ? ['--cluster-kubeconfig', server.kubeconfig] : ['--keep-node'];
    const runs = await Promise.all(names.map((n) => berth(['machine', 'delete', n, ...common, ...auth])));
    machinesGone = runs.every((r) => r.code === 0);
    return { code: machinesGone ? 0 : 1, out: runs.map((r) => r.out).join('') };
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (ingress && ingress.exitCode === null) {
      const exited = new Promise((r) => ingress!.once('exit', r));
      ingress.kill('SIGTERM');
      const timer = setTimeout(() => ingress!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (
      !machinesGone &&
      names.some((n) => existsSync(`/run/netns/${n}`) || existsSync(join(dir, 'machines', n)))
    )
      await berth(['machine', 'delete', ...names, ...common, '--keep-node']);
    await k?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const port = await freePort();
    server = await startServer({ args: ['--listen', `0.0.0.0:${port}`, '--cluster-cidr', clusterCidr] });
    k = kubectlSession(undefined, server.kubeconfig);
    const t = await berth(['token', 'create', '--kubeconfig', server.kubeconfig, '--ttl', '1h']);
    if (t.code !== 0) throw new Error(`token create: ${t.out}`);
    const joinCmd = t.out.trim().split('\n')[1]!.split(' ').slice(2); // --server … --token … --ca-cert-hash …
    const runs = await Promise.all(
      names.map((name) =>
        berth([
          'machine',
          'create',
          name,
          ...common,
          ...joinCmd,
          '--cluster-cidr',
          clusterCidr,
          '--lb-pool',
          lbPool,
          '--agent-flag=--node-status-update-frequency 1s --lease-renew 2s',
        ]),
      ),
    );
    for (const r of runs) if (r.code !== 0) throw new Error(`machine create failed:\n${r.out}`);
    const list = await berth(['machine', 'list', ...common, '-o', 'json']);
    for (const m of JSON.parse(list.out) as Array<{ name: string; address: string }>)
      addresses[m.name] = m.address;
    await Promise.all(
      names.map((n) =>
        importImages([redis], {
          address: join(dir, 'machines', n, 'agent', 'containerd', 'containerd.sock'),
        }),
      ),
    );
    // Machine create routed the pool on the host across all three machines.
    const poolRoute = sh('ip', ['route', 'show', lbPool]);
    for (const n of names)
      if (!poolRoute.includes(`via ${addresses[n]}`))
        throw new Error(`the host does not route ${lbPool} via ${n}: ${poolRoute}`);
    const [hp, tp] = [await freePort(), await freePort()];
    ingress = spawn(
      berthBin,
      [
        'ingress',
        '--kubeconfig',
        server.kubeconfig,
        '--data-dir',
        join(dir, 'ingress'),
        '--http-listen',
        `127.0.0.1:${hp}`,
        '--https-listen',
        `127.0.0.1:${tp}`,
        '--publish-address',
        '127.0.0.1',
        '--worker-processes',
        '1',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    ingress.stdout!.on('data', (c: Buffer) => (ingressLog += c.toString()));
    ingress.stderr!.on('data', (c: Buffer) => (ingressLog += c.toString()));
    return {
      server,
      k,
      dir,
      bridge,
      subnet,
      lbPool,
      clusterCidr,
      names,
      addresses,
      ingressHttp: `http://127.0.0.1:${hp}`,
      ingressHttps: `https://127.0.0.1:${tp}`,
      mine,
      ingressLog: () => ingressLog,
      deleteMachines,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
