/**
 * What the console browser tests run against: a real `berth server`, simulated nodes (`berth sim`)
 * and the console server (`berth console`), each its own process, plus Debian's chromium driven by
 * playwright-core (headless, --no-sandbox so it runs as root in CI). Everything stops in `stop`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { trackFailures } from '../helpers/e2e.ts';
import { berthBin, freePort, repoRoot, startServer, type TestServer } from '../helpers/server.ts';

/** Debian's chromium (apt-get install chromium); override with CHROMIUM=/path. */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored). */
export const artifactsDir = join(repoRoot, 'test-artifacts', 'console');

/** Why the browser tests cannot run here, or false. */
export function browserSkip(): string | false {
  if (!existsSync(chromiumPath)) return `no chromium at ${chromiumPath} (apt-get install chromium)`;
  return false;
}

/** Builds console/dist when it is missing (a fresh clone that ran the tests without `npm test`). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(repoRoot, 'console', 'dist', 'index.html'))) return;
  const r = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'vite'),
    ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`console build failed:\n${r.stdout}\n${r.stderr}`);
}

/** A child process with its output kept for failure messages. */
interface Proc {
  child: ChildProcess;
  output: string[];
}

function startProc(args: string[]): Proc {
  const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  return { child, output };
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Waits until the process printed a line matching `re`; fails early if it exits. */
async function waitOutput(p: Proc, re: RegExp, ms: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = re.exec(p.output.join(''));
    if (m) return m;
    if (p.child.exitCode !== null)
      throw new Error(`process exited (${p.child.exitCode}):\n${p.output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${re} after ${ms} ms:\n${p.output.join('')}`);
}

export interface ConsoleEnv {
  server: TestServer;
  consoleUrl: string;
  password: string;
  browser: Browser;
  /** Output of the server, sim and console processes, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts server, sim (2 nodes), console and chromium; or, given `existing` (a server with real
 * nodes, owned and stopped by the caller), only the console against it and chromium.
 */
export async function startConsoleEnv(existing?: TestServer): Promise<ConsoleEnv> {
  ensureConsoleBuilt();
  mkdirSync(artifactsDir, { recursive: true });
  const server = existing ?? (await startServer());
  const consoleDir = mkdtempSync(join(tmpdir(), 'berth-console-'));
  const procs: Proc[] = [];
  const stop = async () => {
    await Promise.all(procs.map(stopProc));
    if (!existing) await server.stop();
    rmSync(consoleDir, { recursive: true, force: true });
  };
  try {
    if (!existing)
      procs.push(
        startProc(['sim', '--kubeconfig', server.kubeconfig, '--nodes', '2', '--ready-delay', '300ms']),
      );
    const port = await freePort();
    const web = startProc([
      'console',
      '--server-data-dir',
      server.dataDir,
      '--data-dir',
      consoleDir,
      '--listen',
      `127.0.0.1:${port}`,
    ]);
    procs.push(web);
    const m = await waitOutput(web, /Console: (https:\/\/\S+)/, 20_000);
    const password = readFileSync(join(consoleDir, 'admin-password'), 'utf8').trim();
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      server,
      consoleUrl: m[1].replace(/\/$/, ''),
      password,
      browser,
      logs: () => [server.logs(), ...procs.map((p) => p.output.join(''))].join('\n---\n'),
      stop: async () => {
        await browser.close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * chromium fails requests under way when the host's addresses change (pods come and go on this
 * host); those console lines are not the console's errors.
 */
export const hostNoise = /net::ERR_NETWORK_CHANGED/;

/**
 * A 1280×800 page on the console (15 s default timeouts) whose console errors and page errors,
 * host noise aside, go to `errors`; logged in as admin unless `login` is false.
 */
export async function openConsolePage(
  env: ConsoleEnv,
  errors: string[],
  o: { login?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !hostNoise.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (o.login !== false) {
    await page.goto(`${env.consoleUrl}/login`);
    await page.getByLabel('Password').fill(env.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/c\/local\/overview/);
  }
  return { context, page };
}

/**
 * Registers the describe's `after`: when a test failed, a screenshot `<name>-failure.png` and the
 * console's logs; then the environment is stopped.
 */
export function stopConsoleEnvAfter(name: string, get: () => { env?: ConsoleEnv; page?: Page }): void {
  const failures = trackFailures();
  after(async () => {
    const { env, page } = get();
    if (failures.any() && env) {
      await page?.screenshot({ path: join(artifactsDir, `${name}-failure.png`) }).catch(() => undefined);
      process.stderr.write(`\n--- console test logs ---\n${env.logs()}\n--- end ---\n`);
    }
    await env?.stop();
  });
}
