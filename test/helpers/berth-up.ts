/**
 * `berth up` as the e2e tests start it: a fresh data dir, free ports for the API and the console,
 * output collected for failure messages, and a wait for the banner's last line. Every process
 * started here is killed when the test file ends, whatever happened.
 */
import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, freePort, repoRoot } from './server.ts';

const spawned = new Set<ChildProcess>();
const dirs: string[] = [];
after(() => {
  for (const c of spawned) c.kill('SIGKILL');
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch (e) {
      process.stderr.write(`could not remove ${d}: ${(e as Error).message}\n`);
    }
  }
});

/**
 * Polls `f` every 250 ms until it returns something other than undefined; after `ms` fails with
 * `what`, the last error `f` threw and the output `log` gives.
 */
export async function until<T>(
  what: string,
  ms: number,
  f: () => Promise<T | undefined>,
  log: () => string,
): Promise<T> {
  const end = Date.now() + ms;
  let last = '';
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? ` (${last})` : ''}; berth up output:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A running `berth up`. */
export interface BerthUp {
  /** Its data dir (removed at the end of the file unless `keepDir`). */
  readonly dir: string;
  /** Everything it printed so far, stdout and stderr. */
  out(): string;
  /** Resolves with its exit code once it has exited. */
  readonly exited: Promise<number | null>;
  /**
   * Sends `signal` (SIGTERM by default) unless it has exited already, and waits for the exit
   * (SIGKILL after `killAfterMs`, 30 s by default); resolves with the exit code.
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

/**
 * Starts `berth up --data-dir DIR --listen … --console-listen … EXTRA` and resolves once its banner
 * (ending in "kubectl get nodes") is printed, within `bannerMs` (60 s).
 */
export async function startBerthUp(
  extra: string[],
  opts: { dirPrefix?: string; bannerMs?: number } = {},
): Promise<BerthUp> {
  const dir = mkdtempSync(join(tmpdir(), opts.dirPrefix ?? 'berth-up-'));
  dirs.push(dir);
  const [port, consolePort] = [await freePort(), await freePort()];
  const child = spawn(
    berthBin,
    [
      'up',
      '--data-dir',
      dir,
      '--listen',
      `127.0.0.1:${port}`,
      '--console-listen',
      `127.0.0.1:${consolePort}`,
      ...extra,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  spawned.add(child);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      spawned.delete(child);
      r(code);
    }),
  );
  const out = (): string => text;
  const end = Date.now() + (opts.bannerMs ?? 60_000);
  while (!text.includes('kubectl get nodes')) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`berth up exited (${child.exitCode ?? child.signalCode}) before its banner:\n${text}`);
    if (Date.now() > end) throw new Error(`timed out waiting for the berth up banner; output:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dir,
    out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
