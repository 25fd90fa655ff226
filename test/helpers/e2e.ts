/**
 * The shape every end-to-end file shares: skip (saying why) when the berth CLI or kubectl is not on
 * this machine, start one server for the whole file, stop it at the end, and print its log when a
 * test in the file failed so the failure can be read without re-running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { kubectlPath } from './kubectl.ts';
import {
  berthAvailable,
  berthBin,
  repoRoot,
  startServer,
  type StartOptions,
  type TestServer,
} from './server.ts';

/** Why e2e tests cannot run here, or false when they can. Pass as `{ skip: e2eSkip() }`. */
export function e2eSkip(opts: { kubectl?: boolean } = {}): string | false {
  if (!berthAvailable()) return 'berth CLI not built yet (src/cli/main.ts missing)';
  if (opts.kubectl !== false && !existsSync(kubectlPath)) return `no kubectl at ${kubectlPath}`;
  return false;
}

/** A handle whose `server` is set once the file's `before` hook has started it. */
export interface ServerHandle {
  readonly server: TestServer;
}

/**
 * Registers before/after hooks in the current describe that start one `berth server` and stop it;
 * the log is printed when a test in the describe failed. Set BERTH_TEST_LOGS=1 to print the server's log at the end in any case.
 */
export function useServer(opts: StartOptions = {}): ServerHandle {
  let server: TestServer | undefined;
  before(async () => {
    server = await startServer(opts);
  });
  const failures = trackFailures();
  after(async () => {
    if (!server) return;
    if (process.env.BERTH_TEST_LOGS === '1' || failures.any()) {
      process.stderr.write(
        `\n--- berth server log (${server.url}) ---\n${server.logs()}\n--- end of server log ---\n`,
      );
    }
    await server.stop();
  });
  return {
    get server(): TestServer {
      if (!server) throw new Error('server not started: useServer() hooks did not run');
      return server;
    },
  };
}

/** A `berth sim` process started by useSim: its output so far, for failure messages. */
export interface SimHandle {
  log(): string;
}

/**
 * Registers hooks that start `berth sim` with `nodes` simulated nodes (Ready after 200 ms) against
 * the server of `server`, and stop it at the end. Call after useServer in the same describe.
 */
export function useSim(server: ServerHandle, nodes: number): SimHandle {
  let sim: ChildProcess | undefined;
  let log = '';
  before(() => {
    sim = spawn(
      berthBin,
      ['sim', '--kubeconfig', server.server.kubeconfig, '--nodes', String(nodes), '--ready-delay', '200ms'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  });
  after(() => {
    sim?.kill('SIGTERM');
  });
  return { log: () => log };
}

/**
 * Whether a test of the current describe failed, for hooks that print logs only when they help.
 * (An `after` hook's own context reports passed === false even when every test passed.)
 */
export function trackFailures(): { any(): boolean } {
  let failed = false;
  afterEach((t) => {
    if ((t as { passed?: boolean }).passed === false) failed = true;
  });
  return { any: () => failed };
}
