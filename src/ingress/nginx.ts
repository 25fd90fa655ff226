/**
 * One supervised nginx: started in the foreground (`daemon off`) with its own prefix, pid file and
 * configuration, restarted with backoff if it dies, reloaded with SIGHUP (the master starts new
 * workers with the new configuration and lets the old ones finish their requests, so no connection
 * is dropped), stopped gracefully with SIGQUIT. `test` runs `nginx -t` on a candidate file.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { ClientLogger } from '../client/logger.ts';
import { stderrLogger } from '../client/logger.ts';

/** The nginx binary: Debian installs it in /usr/sbin, which a non-root PATH may lack. */
export function findNginx(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'])
    if (existsSync(p)) return p;
  return 'nginx';
}

export interface NginxOptions {
  binary?: string;
  /** The -p prefix (relative paths in the configuration resolve against it). */
  prefix: string;
  /** The live configuration file the master reads at start and on every reload. */
  confPath: string;
  /** Its pid file (the configuration's `pid` directive), to find a master left by a crashed controller. */
  pidPath: string;
  logger?: ClientLogger;
}

/** Outcome of `nginx -t`: ok, or nginx's complaint. */
export type TestResult = { ok: true } | { ok: false; output: string };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class Nginx {
  readonly binary: string;
  private readonly o: NginxOptions;
  private readonly log: ClientLogger;
  private child: ChildProcess | undefined;
  private output = '';
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(opts: NginxOptions) {
    this.o = opts;
    this.binary = opts.binary ?? findNginx();
    this.log = opts.logger ?? stderrLogger;
  }

  /** Checks `confPath` with `nginx -t`; never throws. */
  test(confPath: string): Promise<TestResult> {
    return new Promise((resolve) => {
      execFile(
        this.binary,
        ['-t', '-q', '-p', this.o.prefix, '-c', confPath, '-e', 'stderr'],
        { timeout: 30_000 },
        (err, stdout, stderr) =>
          resolve(err ? { ok: false, output: `${stdout}${stderr}`.trim() || err.message } : { ok: true }),
      );
    });
  }

  /** True while a master process we started is running. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The master's pid, when running. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** Starts the master and waits until it has written its pid file (its sockets are bound by then). */
  async start(): Promise<void> {
    this.stopping = false;
    await this.killLeftover();
    this.output = '';
    const child = spawn(this.binary, ['-p', this.o.prefix, '-c', this.o.confPath, '-e', 'stderr'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (c: Buffer): void => {
      this.output = (this.output + c.toString()).slice(-8192);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`nginx exited at start: ${this.output.trim()}`);
      if (this.pidFileMatches(child.pid)) return;
      await sleep(20);
    }
    throw new Error(`nginx did not start within 10s: ${this.output.trim()}`);
  }

  /** Asks the master to re-read the configuration (graceful: in-flight requests complete). */
  reload(): void {
    if (this.running) this.child!.kill('SIGHUP');
  }

  /** Graceful stop (SIGQUIT), then SIGTERM/SIGKILL if the workers do not finish within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const within = async (ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
      const done = await Promise.race([exited.then(() => true), timeout]);
      clearTimeout(timer);
      return done;
    };
    child.kill('SIGQUIT');
    if (await within(graceMs)) return;
    child.kill('SIGTERM');
    if (await within(3000)) return;
    child.kill('SIGKILL');
    await exited;
  }

  private pidFileMatches(pid: number | undefined): boolean {
    try {
      return Number(readFileSync(this.o.pidPath, 'utf8').trim()) === pid;
    } catch {
      return false;
    }
  }

  /** A master from an earlier run of this data dir (the controller was killed) still holds the ports. */
  private async killLeftover(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.o.pidPath, 'utf8').trim());
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return;
    }
    if (!cmdline.includes(this.o.confPath)) return; // not ours: the pid was reused
    this.log.warn({ pid }, 'stopping an nginx left over from an earlier run');
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child || this.stopping) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(this.restarts, 6));
    this.restarts++;
    this.log.error(
      { code, signal, output: this.output.trim(), restartInMs: delay },
      'nginx exited; restarting',
    );
    this.restartTimer = setTimeout(() => {
      this.start().then(
        () => {
          this.restarts = 0;
        },
        (err: unknown) => this.log.error({ err }, 'nginx restart failed'),
      );
    }, delay);
    this.restartTimer.unref();
  }
}
