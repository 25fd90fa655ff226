/**
 * Finding and ending a machine's processes from the host: by pid (checked against its command
 * line, so a recycled pid is never killed), by an argument naming the machine's directory (the
 * agent, its containerd, the shims, ctr), by network namespace, and by cgroup (the pods).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupRoots } from '../containerd/cleanup.ts';

/** The process's argv, or undefined when it is gone. */
export function cmdlineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => p !== process.pid);
}

/** Processes with an argument at or under `dir` (the machine's directory). */
export function pidsWithPathUnder(dir: string): number[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return allPids().filter((pid) => cmdlineOf(pid)?.some((a) => a === dir || a.includes(prefix)));
}

/** Processes in the network namespace mounted at `nsPath` (e.g. /run/netns/m1). */
export function pidsInNetns(nsPath: string): number[] {
  let ino: number;
  try {
    ino = statSync(nsPath).ino;
  } catch {
    return [];
  }
  const want = `net:[${ino}]`;
  return allPids().filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`) === want;
    } catch {
      return false;
    }
  });
}

/** Processes in cgroup `path` or below, in any hierarchy. */
export function pidsInCgroup(path: string): number[] {
  const rel = path.replace(/^\/+/, '');
  if (!rel || rel.split('/').includes('..')) return [];
  const out = new Set<number>();
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    try {
      for (const l of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (l) out.add(Number(l));
    } catch {
      // not a cgroup directory
    }
    for (const n of names) {
      const child = join(dir, n);
      try {
        if (statSync(child).isDirectory()) walk(child);
      } catch {
        // vanished
      }
    }
  };
  for (const root of cgroupRoots()) {
    const dir = join(root, rel);
    if (existsSync(dir)) walk(dir);
  }
  out.delete(process.pid);
  return [...out];
}

/** Sends `signal`, ignoring processes already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

/** Waits until none of `pids` is alive, up to `ms`; returns those still alive. */
export async function waitGone(pids: readonly number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}

/** SIGTERM, then SIGKILL after `graceMs` for whatever is left. */
export async function terminate(pids: readonly number[], graceMs: number): Promise<void> {
  for (const p of pids) signal(p, 'SIGTERM');
  const left = await waitGone(pids, graceMs);
  for (const p of left) signal(p, 'SIGKILL');
  await waitGone(left, 5_000);
}
