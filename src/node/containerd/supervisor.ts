/**
 * Runs the node's own containerd as a child process: writes its config (and the CNI config) under
 * the agent's data directory, starts it, waits until the CRI answers, imports the local images,
 * and restarts it with exponential backoff whenever it dies. Containers survive a containerd restart
 * (their shims keep running), so a restart costs the agent only a short CRI outage.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { CriClient } from '../cri/client.ts';
import { importImages } from '../images/local-images.ts';
import type { BuiltImage } from '../images/local-images.ts';
import { PAUSE_REF } from '../images/recipes.ts';
import { writeCniConfig } from './cni-config.ts';
import { renderContainerdConfig } from './config.ts';
import { MAX_SOCKET_PATH, runtimePaths } from './paths.ts';
import type { RuntimePaths } from './paths.ts';
import { assertRuntimeUsable, DEFAULT_CNI_BIN_DIR } from './preflight.ts';

export interface ContainerdSupervisorOptions {
  /** The agent's data directory; containerd's files go to `<dataDir>/containerd`, CNI's to `<dataDir>/cni`. */
  dataDir: string;
  /** The node's pod CIDR; when given the CNI config is written before containerd starts. */
  podCidr?: string;
  /** CNI bridge device (default berth0) and network name (default berth). */
  bridge?: string;
  networkName?: string;
  /** The CNI bridge plugin's ipMasq (default true; see CniConfigOptions.ipMasq). */
  ipMasq?: boolean;
  /** Pause image for sandboxes (default berth.local/pause:1, built by src/node/images). */
  sandboxImage?: string;
  /** Images to import after every start, e.g. the pause and busybox layouts from ensureLocalImages. */
  images?: readonly BuiltImage[];
  cniBinDir?: string;
  /** Stream server address (default 127.0.0.1; a machine's own IP when the API server is elsewhere). */
  streamServerAddress?: string;
  /** Stream server port (default: a free port picked at first start, then kept). */
  streamServerPort?: number;
  /** containerd binary (default `containerd` on PATH). */
  containerd?: string;
  /** argv prefix, e.g. ['nsenter', '--net=/run/netns/m1'] for a machine in a network namespace. */
  wrap?: string[];
  /** containerd --log-level (default info); the log goes to `<dataDir>/containerd/containerd.log`. */
  logLevel?: string;
  /** How long one start may take until the CRI answers, in ms (default 30 s). */
  readyTimeoutMs?: number;
  /** First and longest wait before a restart, in ms (default 250 ms and 30 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  log?: (msg: string, extra?: object) => void;
}

export type SupervisorState = 'stopped' | 'starting' | 'running' | 'backoff';

/** A run this long counts as healthy: the next crash restarts after the initial backoff again. */
const HEALTHY_RUN_MS = 60_000;

/** The node's supervised containerd. */
export class ContainerdSupervisor {
  readonly paths: RuntimePaths;
  /** CRI endpoint (`unix:///…/containerd.sock`). */
  readonly endpoint: string;
  readonly #o: ContainerdSupervisorOptions;
  readonly #log: (msg: string, extra?: object) => void;
  #child: ChildProcess | undefined;
  #state: SupervisorState = 'stopped';
  #streamPort: number | undefined;
  #restarts = 0;
  #backoff: number;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Array<() => void> = [];
  readonly #onExit = (): void => {
    this.#child?.kill('SIGTERM');
  };

  constructor(opts: ContainerdSupervisorOptions) {
    this.#o = opts;
    this.#log = opts.log ?? (() => {});
    this.paths = runtimePaths(opts.dataDir);
    this.endpoint = `unix://${this.paths.socket}`;
    this.#streamPort = opts.streamServerPort;
    this.#backoff = opts.backoffInitialMs ?? 250;
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** containerd's pid while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** How many times containerd was restarted after dying. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The stream server port in use (known after start). */
  get streamServerPort(): number | undefined {
    return this.#streamPort;
  }

  /**
   * Checks the machine (one-line error when containerd, runc, CNI plugins or root are missing),
   * writes the configs, starts containerd and resolves once its CRI answers and the images are
   * imported. Rejects (and leaves nothing running) when the first start fails.
   */
  async start(): Promise<void> {
    if (this.#state !== 'stopped') throw new Error(`containerd supervisor is already ${this.#state}`);
    assertRuntimeUsable({ containerd: this.#o.containerd, cniBinDir: this.#o.cniBinDir });
    if (this.paths.socket.length > MAX_SOCKET_PATH) {
      throw new Error(`data dir too deep: socket path ${this.paths.socket} exceeds ${MAX_SOCKET_PATH} bytes`);
    }
    for (const d of [
      this.paths.dir,
      this.paths.root,
      this.paths.state,
      this.paths.certsDir,
      this.paths.cniConfDir,
    ]) {
      mkdirSync(d, { recursive: true });
    }
    await this.#stopStale();
    this.#streamPort ??= await freePort(this.#o.streamServerAddress ?? '127.0.0.1');
    writeFileSync(
      this.paths.config,
      renderContainerdConfig({
        paths: this.paths,
        sandboxImage: this.#o.sandboxImage ?? PAUSE_REF,
        cniBinDir: this.#o.cniBinDir ?? DEFAULT_CNI_BIN_DIR,
        streamServerAddress: this.#o.streamServerAddress ?? '127.0.0.1',
        streamServerPort: this.#streamPort,
      }),
    );
    if (this.#o.podCidr) this.writeCniConfig(this.#o.podCidr);
    process.on('exit', this.#onExit);
    try {
      await this.#launch();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Writes (or rewrites) the CNI config for `podCidr`; containerd picks it up without a restart. */
  writeCniConfig(podCidr: string): string {
    return writeCniConfig(this.paths.cniConfDir, {
      podCidr,
      bridge: this.#o.bridge,
      networkName: this.#o.networkName,
      ipamDataDir: this.paths.cniIpamDir,
      ipMasq: this.#o.ipMasq,
    });
  }

  /** Resolves when containerd is running and answering (at once when it already is). */
  waitRunning(timeoutMs = 30_000): Promise<void> {
    if (this.#state === 'running') return Promise.resolve();
    if (this.#state === 'stopped') return Promise.reject(new Error('containerd supervisor is stopped'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`containerd not running after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Stops containerd (SIGTERM, SIGKILL after `timeoutMs`) and does not restart it. Running
   * containers are left to their shims; remove the pods first to stop them.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#state = 'stopped';
    clearTimeout(this.#timer);
    process.off('exit', this.#onExit);
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    this.#child = undefined;
    rmSync(this.paths.pidFile, { force: true });
  }

  /** Spawns containerd and waits until its CRI answers; rejects when it exits or times out first. */
  async #launch(): Promise<void> {
    this.#state = 'starting';
    const argv = [
      ...(this.#o.wrap ?? []),
      this.#o.containerd ?? 'containerd',
      '--config',
      this.paths.config,
      '--log-level',
      this.#o.logLevel ?? 'info',
    ];
    const logFd = openSync(this.paths.log, 'a');
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    this.#child = child;
    const startedAt = Date.now();
    const exited = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(err.message));
      child.once('exit', (code, signal) =>
        resolve(signal ? `killed by ${signal}` : `exited with code ${code}`),
      );
    });
    void exited.then((how) => this.#onChildExit(child, how, startedAt));
    if (child.pid) writeFileSync(this.paths.pidFile, `${child.pid}\n`);

    const cri = new CriClient({ endpoint: this.endpoint });
    const giveUp = new AbortController();
    try {
      const timeout = this.#o.readyTimeoutMs ?? 30_000;
      const ready = cri.waitReady(timeout, giveUp.signal).then(() => undefined);
      const died = exited.then((how) => {
        throw new Error(`containerd ${how}: ${lastLogLine(this.paths.log)}`);
      });
      await Promise.race([ready, died]);
      if (this.#o.images?.length)
        await importImages(this.#o.images, { address: this.paths.socket, wrap: this.#o.wrap });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      giveUp.abort();
      cri.close();
    }
    // stop() may have run while this start was waiting.
    if (this.#child !== child || this.state === 'stopped') return;
    this.#state = 'running';
    this.#log('containerd running', { pid: child.pid, endpoint: this.endpoint });
    for (const w of this.#waiters.splice(0)) w();
  }

  #onChildExit(child: ChildProcess, how: string, startedAt: number): void {
    if (this.#child !== child || this.#state === 'stopped') return;
    if (this.#state === 'starting' && this.#restarts === 0 && !this.#timer) return; // first start: start() reports it
    if (Date.now() - startedAt >= HEALTHY_RUN_MS) this.#backoff = this.#o.backoffInitialMs ?? 250;
    const wait = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, this.#o.backoffMaxMs ?? 30_000);
    this.#state = 'backoff';
    this.#log('containerd died; restarting', { how, inMs: wait, lastLog: lastLogLine(this.paths.log) });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== 'backoff') return;
      this.#restarts++;
      this.#launch().catch((err: unknown) => {
        this.#log('containerd restart failed', { error: err instanceof Error ? err.message : String(err) });
        // The failed child's exit (we killed it) schedules the next attempt.
      });
    }, wait);
  }

  /** Stops a containerd left running by an earlier agent with this same config (from its pid file). */
  async #stopStale(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.paths.pidFile, 'utf8').trim());
    } catch {
      return;
    }
    const cmdline = `/proc/${pid}/cmdline`;
    if (!pid || !existsSync(cmdline) || !readFileSync(cmdline, 'utf8').includes(this.paths.config)) return;
    this.#log('stopping containerd left by an earlier run', { pid });
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && existsSync(cmdline); i++) await new Promise((r) => setTimeout(r, 50));
    if (existsSync(cmdline)) process.kill(pid, 'SIGKILL');
  }
}

/** The last non-empty line of a log file (for one-line error messages). */
function lastLogLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    return lines[lines.length - 1] ?? '';
  } catch {
    return '(no log)';
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
