/**
 * Runs the machine's real kubectl against a test server. Every call gets an explicit kubeconfig, a
 * HOME and a --cache-dir of its own (kubectl caches discovery, and a cache from another server or an
 * earlier test would hide discovery bugs), and a clean environment so the developer's KUBECONFIG,
 * KUBE_EDITOR etc. never leak in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** The kubectl binary; $KUBECTL overrides. */
export const kubectlPath = process.env.KUBECTL ?? '/usr/bin/kubectl';

/** A finished kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for one kubectl run. Without `home` a temp HOME is made for the run and removed after. */
export interface KubectlOptions {
  kubeconfig: string;
  input?: string;
  env?: Record<string, string>;
  home?: string;
  /** Kill the run after this long (default 60 s); the result then has code 124. */
  timeoutMs?: number;
}

/** A kubectl still running (e.g. `get -w`): read its output as it arrives, then stop it. */
export interface RunningKubectl {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout (or stderr, with `stream`) matches; rejects with the output so far on timeout or exit. */
  waitFor(
    pattern: RegExp,
    opts?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number },
  ): Promise<RegExpMatchArray>;
  /** Resolves when it exits by itself. */
  exited: Promise<KubectlResult>;
  /** Stops it (SIGTERM to its process group) and returns what it printed. */
  stop(): Promise<KubectlResult>;
}

function makeHome(): string {
  return mkdtempSync(join(tmpdir(), 'kubectl-home-'));
}

function launch(args: readonly string[], opts: KubectlOptions, home: string): ChildProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: opts.kubeconfig,
    ...opts.env,
  };
  // Global flags go after the command words (kubectl reads flags before them as a plugin call) and
  // before any `--`, which ends kubectl's own flags.
  const global = ['--kubeconfig', opts.kubeconfig, '--cache-dir', join(home, '.kube', 'cache')];
  const dashes = args.indexOf('--');
  const argv =
    dashes < 0 ? [...args, ...global] : [...args.slice(0, dashes), ...global, ...args.slice(dashes)];
  const child = spawn(kubectlPath, argv, {
    env,
    cwd: home,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group: the dispatcher execs or forks the real kubectl; stopping the group stops both.
    detached: true,
  });
  child.stdin?.end(opts.input ?? '');
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Starts kubectl and returns a handle for reading its output while it runs. */
export function spawnKubectl(args: readonly string[], opts: KubectlOptions): RunningKubectl {
  const ownHome = opts.home === undefined;
  const home = opts.home ?? makeHome();
  const child = launch(args, opts, home);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  child.stdout?.on('data', (c: Buffer) => ((out += c.toString()), notify()));
  child.stderr?.on('data', (c: Buffer) => ((err += c.toString()), notify()));
  const exitedFlag = { done: false };
  const exited = new Promise<KubectlResult>((resolve) => {
    child.on('close', (code, signal) => {
      if (ownHome) rmSync(home, { recursive: true, force: true });
      exitedFlag.done = true;
      notify();
      resolve({ code: code ?? (signal === 'SIGKILL' ? 124 : 128), stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, o = {}) {
      const timeoutMs = o.timeoutMs ?? 15_000;
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = (o.stream === 'stderr' ? err : out).match(pattern);
          if (m) return finish(() => resolve(m));
          if (exitedFlag.done)
            finish(() =>
              reject(
                new Error(
                  `kubectl ${args.join(' ')} exited before ${pattern}\nstdout:\n${out}\nstderr:\n${err}`,
                ),
              ),
            );
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(
                  `timed out after ${timeoutMs} ms waiting for ${pattern} from kubectl ${args.join(' ')}\nstdout:\n${out}\nstderr:\n${err}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const finish = (f: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

/** Runs kubectl to completion and returns its exit code and output. Never rejects on a non-zero exit. */
export async function kubectl(args: readonly string[], opts: KubectlOptions): Promise<KubectlResult> {
  const run = spawnKubectl(args, opts);
  const timer = setTimeout(() => killGroup(run.child, 'SIGKILL'), opts.timeoutMs ?? 60_000);
  const r = await run.exited;
  clearTimeout(timer);
  return r;
}

/** kubectl bound to one server and one HOME/cache, for the length of one test. */
export interface KubectlSession {
  home: string;
  kubeconfig: string;
  run(args: readonly string[], opts?: Partial<KubectlOptions>): Promise<KubectlResult>;
  /** Runs and asserts exit 0, returning stdout; the error carries the command, stdout and stderr. */
  ok(args: readonly string[], opts?: Partial<KubectlOptions>): Promise<string>;
  /** Runs and asserts a non-zero exit, returning stderr. */
  fails(args: readonly string[], opts?: Partial<KubectlOptions>): Promise<string>;
  spawn(args: readonly string[], opts?: Partial<KubectlOptions>): RunningKubectl;
  /** Stops running kubectls and removes HOME; done automatically at the end of the test when one was given. */
  close(): Promise<void>;
}

function describeRun(args: readonly string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')}\nexit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

/** A session with a fresh HOME that is removed (and its watchers stopped) when the test ends. */
export function kubectlSession(t: TestContext | undefined, kubeconfig: string): KubectlSession {
  const home = makeHome();
  const running = new Set<RunningKubectl>();
  const merged = (opts: Partial<KubectlOptions> = {}): KubectlOptions => ({ kubeconfig, home, ...opts });
  const session: KubectlSession = {
    home,
    kubeconfig,
    run: (args, opts) => kubectl(args, merged(opts)),
    async ok(args, opts) {
      const r = await kubectl(args, merged(opts));
      if (r.code !== 0) throw new Error(`expected success: ${describeRun(args, r)}`);
      return r.stdout;
    },
    async fails(args, opts) {
      const r = await kubectl(args, merged(opts));
      if (r.code === 0) throw new Error(`expected failure: ${describeRun(args, r)}`);
      return r.stderr;
    },
    spawn(args, opts) {
      const r = spawnKubectl(args, merged(opts));
      running.add(r);
      return r;
    },
    async close() {
      await Promise.all([...running].map((r) => r.stop()));
      running.clear();
      rmSync(home, { recursive: true, force: true });
    },
  };
  t?.after(() => session.close());
  return session;
}
