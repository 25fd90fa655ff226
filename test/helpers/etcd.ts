/**
 * Real etcd processes for tests: one member or a small cluster on loopback, on free ports, with data
 * in a temporary directory (on /dev/shm when present, so fsync costs nothing). Members are killed
 * when the test process exits, whatever happened. With `tls`, clients must speak TLS and present a
 * certificate from the cluster's own test CA (etcd's --client-cert-auth), as a production etcd
 * holding Secrets is run; peers stay plaintext on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEtcdTlsFiles } from './etcd-tls.ts';
import type { EtcdTlsFiles } from './etcd-tls.ts';

/** The etcd binary on PATH, or undefined when etcd is not installed. */
export function etcdBinary(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  /** True until kill() or stop(). */
  readonly running: boolean;
  /** SIGKILLs the member (a crash, not a clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Client URLs of all members, in member order. */
  endpoints: string[];
  /** The certificates of a `tls` cluster (client certificate and key included). */
  tls?: EtcdTlsFiles;
  /** Stops every member and removes the data directory. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Members in the cluster (default 1). */
  members?: number;
  /** How long to wait for every member to report healthy, in ms (default 20 s). */
  readyTimeoutMs?: number;
  /** Serve clients over TLS only, requiring a client certificate signed by the test CA. */
  tls?: boolean;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/** Starts an etcd cluster of `members` members and waits until each one answers /health. */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const bin = etcdBinary();
  if (!bin) throw new Error('etcd is not installed (apt-get install etcd-server)');
  const n = opts.members ?? 1;
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'berth-etcd-'));
  const ports = await freePorts(2 * n);
  let tls: EtcdTlsFiles | undefined;
  try {
    tls = opts.tls ? makeEtcdTlsFiles(dir) : undefined;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const tlsArgs = tls
    ? [
        `--cert-file=${tls.serverCertFile}`,
        `--key-file=${tls.serverKeyFile}`,
        `--trusted-ca-file=${tls.caFile}`,
        '--client-cert-auth',
      ]
    : [];
  const specs = Array.from({ length: n }, (_, i) => ({
    name: `m${i}`,
    clientUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${ports[2 * i]}`,
    peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
  }));
  const initialCluster = specs.map((s) => `${s.name}=${s.peerUrl}`).join(',');
  const token = `berth-test-${process.pid}-${ports[0]}`;
  const logs: string[] = [];
  const members = specs.map((s) => {
    const child = spawn(
      bin,
      [
        `--name=${s.name}`,
        `--data-dir=${join(dir, s.name)}`,
        `--listen-client-urls=${s.clientUrl}`,
        `--advertise-client-urls=${s.clientUrl}`,
        `--listen-peer-urls=${s.peerUrl}`,
        `--initial-advertise-peer-urls=${s.peerUrl}`,
        `--initial-cluster=${initialCluster}`,
        `--initial-cluster-token=${token}`,
        '--initial-cluster-state=new',
        // Fast elections so losing the leader costs well under a second.
        '--heartbeat-interval=50',
        '--election-timeout=500',
        '--logger=zap',
        '--log-level=error',
        ...tlsArgs,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    live.add(child);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => logs.push(`${s.name}: ${d}`));
    let running = true;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        running = false;
        live.delete(child);
        resolve();
      }),
    );
    const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
      if (running) child.kill(signal);
      await exited;
    };
    return {
      ...s,
      get running() {
        return running;
      },
      kill: () => stopWith('SIGKILL'),
      stopWith,
    };
  });
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.clientUrl),
    tls,
    stop: async () => {
      await Promise.all(members.map((m) => m.stopWith('SIGTERM')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(
      members.map((m) => waitHealthy(m.clientUrl, opts.readyTimeoutMs ?? 20_000, () => m.running, tls)),
    );
  } catch (err) {
    await cluster.stop();
    throw new Error(`${(err as Error).message}\n${logs.join('').slice(-4000)}`, { cause: err });
  }
  return cluster;
}

async function waitHealthy(
  url: string,
  timeoutMs: number,
  running: () => boolean,
  tls: EtcdTlsFiles | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!running()) throw new Error(`etcd at ${url} exited before it became healthy`);
    try {
      const body = JSON.parse(
        tls
          ? await httpsGet(`${url}/health`, tls)
          : await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).text(),
      ) as { health?: string };
      if (body.health === 'true') return;
      last = JSON.stringify(body);
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd at ${url} not healthy after ${timeoutMs} ms: ${last}`);
}

/** GET over TLS with the test CA and client certificate (fetch cannot take either). */
function httpsGet(url: string, tls: EtcdTlsFiles): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(tls.caFile),
        cert: readFileSync(tls.clientCertFile),
        key: readFileSync(tls.clientKeyFile),
        timeout: 1000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** `count` distinct free loopback ports (all held open together, then released). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    return addr.port;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
