/**
 * Process facts for server benchmarks, read from /proc (Linux): which process serves a data dir,
 * its resident memory, its executable; and timed starts — `berth server` from spawn to /readyz 200
 * on a fresh data dir, and a bare `node -e 0` from spawn to exit as the same-run floor.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpsClient } from '../../test/helpers/https.ts';
import { readKubeconfig } from '../../test/helpers/kubeconfig.ts';
import { berthBin, freePort, repoRoot } from '../../test/helpers/server.ts';

/** Pids of processes whose argv contains `arg` as one whole argument. */
export function pidsWithArg(arg: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes(arg)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** A process's resident set (VmRSS) and peak (VmHWM) in kB, its parent and its executable. */
export function processInfo(pid: number): { rssKb: number; hwmKb: number; ppid: number; exe: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  let exe = '?';
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // not ours to read, or gone
  }
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM'), ppid: field('PPid'), exe };
}

/** The node binary bin/berth runs (the package's pinned one), resolved; falls back to this process's. */
export function berthNode(): string {
  const pinned = join(repoRoot, 'node_modules', '.bin', 'node');
  return existsSync(pinned) ? realpathSync(pinned) : process.execPath;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One fresh start of `berth server`, with what was seen on the way. */
export interface StartTiming {
  /** Spawn to the first /readyz 200, in ms. */
  readyMs: number;
  pid: number;
  exe: string;
  /** VmRSS after `idleMs` idle, in kB (NaN when idleMs was 0). */
  idleRssKb: number;
  hwmKb: number;
}

/**
 * Spawns `berth server` on a new data dir and a free port, polls /readyz every `pollMs` once the
 * kubeconfig exists, optionally stays idle `idleMs` and reads its memory, then stops it and removes
 * the data dir. The poll interval bounds the timing error.
 */
export async function timeServerStart(
  opts: { idleMs?: number; pollMs?: number; timeoutMs?: number } = {},
): Promise<StartTiming> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-start-'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  const port = await freePort();
  const out: string[] = [];
  const t0 = performance.now();
  const child = spawn(berthBin, ['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => out.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => out.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = t0 + (opts.timeoutMs ?? 30_000);
    let readyMs = NaN;
    while (performance.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`berth server exited early:\n${out.join('')}`);
      if (existsSync(kubeconfig)) {
        const client = httpsClient(readKubeconfig(kubeconfig));
        try {
          const res = await client.request('GET', '/readyz', { timeoutMs: 2000 });
          if (res.status === 200) {
            readyMs = performance.now() - t0;
            break;
          }
        } catch {
          // not listening yet
        } finally {
          client.close();
        }
      }
      await sleep(opts.pollMs ?? 10);
    }
    if (Number.isNaN(readyMs)) throw new Error(`berth server not ready in time:\n${out.join('')}`);
    const pid = child.pid!;
    let info = processInfo(pid);
    if (opts.idleMs) {
      await sleep(opts.idleMs);
      info = processInfo(pid);
    }
    return { readyMs, pid, exe: info.exe, idleRssKb: opts.idleMs ? info.rssKb : NaN, hwmKb: info.hwmKb };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Spawn to exit of `NODE -e 0`, in ms: the least any Node process start costs on this machine. */
export function timeNodeNoop(node = berthNode()): Promise<number> {
  const t0 = performance.now();
  const child = spawn(node, ['-e', '0'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`node -e 0 exited ${code}`)),
    );
  });
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat (assumes 100 ticks/s). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 overall.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10;
}
