/**
 * Starts a real `berth server` control plane as a child process for end-to-end tests and benchmarks:
 * a free loopback port, a fresh temp data dir, and a wait until /readyz answers 200 over TLS with the
 * kubeconfig the server wrote. One server per test file keeps the e2e suite fast.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpsClient } from './https.ts';
import { readKubeconfig, type Connection } from './kubeconfig.ts';

/** The repository root (test/helpers/../..). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The `berth` launcher script. */
export const berthBin = join(repoRoot, 'bin', 'berth');

/** Whether the berth CLI exists yet; e2e files skip (saying why) when it does not. */
export function berthAvailable(): boolean {
  return existsSync(join(repoRoot, 'src', 'cli', 'main.ts'));
}

/** A running server. `stop` is idempotent and removes the data dir unless BERTH_TEST_KEEP=1. */
export interface TestServer {
  url: string;
  kubeconfig: string;
  dataDir: string;
  connection: Connection;
  /** Everything the server printed so far (stdout and stderr interleaved), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** Options for startServer. */
export interface StartOptions {
  /** Extra arguments after `server --data-dir DIR --listen HOST:PORT`. */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for /readyz (default 30 s: the first start creates a CA). */
  readyTimeoutMs?: number;
}

/** An unused TCP port on 127.0.0.1 (the OS picks it; the tiny reuse race is retried by startServer). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function readyOnce(kubeconfig: string): Promise<{ ok: boolean; detail: string }> {
  if (!existsSync(kubeconfig)) return { ok: false, detail: 'no kubeconfig yet' };
  let conn: Connection;
  try {
    conn = readKubeconfig(kubeconfig);
  } catch (err) {
    return { ok: false, detail: `kubeconfig unreadable: ${(err as Error).message}` };
  }
  const client = httpsClient(conn);
  try {
    const res = await client.request('GET', '/readyz', { timeoutMs: 2000 });
    return { ok: res.status === 200, detail: `/readyz ${res.status} ${res.body.slice(0, 200)}` };
  } catch (err) {
    return { ok: false, detail: `/readyz: ${(err as Error).message}` };
  } finally {
    client.close();
  }
}

async function startOnce(opts: StartOptions, port: number): Promise<TestServer | { retry: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  const output: string[] = [];
  const child = spawn(
    berthBin,
    ['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...(opts.args ?? [])],
    {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const logs = (): string => output.join('');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    }
    if (process.env.BERTH_TEST_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let last = 'not started';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      const text = logs();
      if (/EADDRINUSE|address already in use/i.test(text)) return { retry: text };
      throw new Error(`berth server exited (${child.exitCode ?? child.signalCode}) before ready:\n${text}`);
    }
    const r = await readyOnce(kubeconfig);
    if (r.ok) {
      const connection = readKubeconfig(kubeconfig);
      return { url: connection.server, kubeconfig, dataDir, connection, logs, stop };
    }
    last = r.detail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`berth server not ready after ${opts.readyTimeoutMs ?? 30_000} ms (${last}):\n${logs()}`);
}

/** Starts `berth server` on a free port and waits until it is ready; retries if the port was taken meanwhile. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await startOnce(opts, await freePort());
    if (!('retry' in r)) return r;
    lastLog = r.retry;
  }
  throw new Error(`berth server could not bind a port after 3 tries:\n${lastLog}`);
}
