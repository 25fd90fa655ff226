/**
 * What the console browser tests run against: a real `berth server`, simulated nodes (`berth sim`)
 * and the console server (`berth console`), each its own process, plus Debian's chromium driven by
 * playwright-core (headless, --no-sandbox so it runs as root in CI). Everything stops in `stop`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { trackFailures } from '../helpers/e2e.ts';
import { httpsClient, type Response as HttpsResponse } from '../helpers/https.ts';
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

/** Debian's chromium, headless, as the browser tests run it (no sandbox: CI runs as root). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
 * One request to the cluster's API as the admin (not through the console): what a test uses to set
 * up objects and to check what the console wrote. `body` is sent as JSON.
 */
export async function apiRequest(
  env: ConsoleEnv,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<HttpsResponse> {
  const c = httpsClient(env.server.connection);
  try {
    return await c.request(method, path, {
      headers: { 'content-type': contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } finally {
    c.close();
  }
}

/** GET `path` as the admin; fails the test unless it answers 200; the parsed object. */
export async function apiGetJson<T = Record<string, unknown>>(env: ConsoleEnv, path: string): Promise<T> {
  const res = await apiRequest(env, 'GET', path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
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
    // 60 s: at load 20 (other test files' pods and servers) the console's start was seen past 20 s.
    const m = await waitOutput(web, /Console: (https:\/\/\S+)/, 60_000);
    const password = readFileSync(join(consoleDir, 'admin-password'), 'utf8').trim();
    const browser = await launchChromium();
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
 * host: ERR_NETWORK_CHANGED, or ERR_SOCKET_NOT_CONNECTED / ERR_CONNECTION_CLOSED for a socket it
 * had in hand); those console lines are not the console's errors — what the console does about
 * them (resend, relist, reload a chunk) is what the tests check.
 */
export const hostNoise = /net::ERR_(NETWORK_CHANGED|SOCKET_NOT_CONNECTED|CONNECTION_CLOSED)/;

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
  traceRequests(page);
  navigateThroughHostNoise(page);
  if (o.login !== false) {
    await page.goto(`${env.consoleUrl}/login`);
    await page.getByLabel('Password').fill(env.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/c\/local\/overview/);
  }
  return { context, page };
}

/**
 * Makes `page.goto` open the page again when chromium failed the navigation itself for host noise,
 * or once when it timed out (a user would press reload; CI once saw a freshly started console's
 * document not arrive within 20 s while another file's pods churned the host's interfaces). The
 * console's own requests get no such help.
 */
export function navigateThroughHostNoise(page: Page): void {
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await goto(url, options);
      } catch (err) {
        const e = err as Error;
        const timedOut = e.name === 'TimeoutError' && ++timeouts <= 1;
        if (attempt >= 5 || !(timedOut || hostNoise.test(String(e.message)))) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
}

/** The last API requests, failures and console lines of each page, for failure messages. */
const traces = new WeakMap<Page, string[]>();
const traceLength = 150;

/** Records what `page` asked of the console's API and how it ended (kept in `traces`). */
function traceRequests(page: Page): void {
  const lines: string[] = [];
  traces.set(page, lines);
  const started = Date.now();
  const add = (line: string) => {
    lines.push(`+${((Date.now() - started) / 1000).toFixed(2)}s ${line}`);
    if (lines.length > traceLength) lines.shift();
  };
  const api = (url: string) => {
    const u = new URL(url);
    return u.pathname.startsWith('/api/') ? u.pathname + u.search : undefined;
  };
  page.on('request', (r) => {
    const p = api(r.url());
    if (p) add(`-> ${r.method()} ${p}`);
  });
  page.on('response', (r) => {
    const p = api(r.url());
    if (p) add(`<- ${r.status()} ${r.request().method()} ${p}`);
  });
  page.on('requestfinished', (r) => {
    const p = api(r.url());
    if (p && p.includes('watch=')) add(`   ended ${p}`);
  });
  page.on('requestfailed', (r) => {
    const p = api(r.url()) ?? r.url();
    add(`!! ${r.method()} ${p}: ${r.failure()?.errorText ?? 'failed'}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') add(`console.${m.type()}: ${m.text()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) add(`navigated ${f.url()}`);
  });
}

/**
 * Registers the describe's hooks: after each failed test, a screenshot `<name>-<test>-failure.png`
 * and the page's recent API requests; after all of them, when one failed, the server, sim and
 * console logs; then the environment is stopped.
 */
export function stopConsoleEnvAfter(name: string, get: () => { env?: ConsoleEnv; page?: Page }): void {
  const failures = trackFailures();
  afterEach(async (t) => {
    const failed = (t as { passed?: boolean }).passed === false;
    if (!failed && process.env.BERTH_TEST_LOGS !== '1') return;
    const { page } = get();
    if (!page) return;
    const slug = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    if (failed)
      await page
        .screenshot({ path: join(artifactsDir, `${name}-${slug}-failure.png`) })
        .catch(() => undefined);
    const trace = traces.get(page) ?? [];
    process.stderr.write(
      `\n--- browser requests before "${t.name}" ${failed ? 'failed' : 'ended'} ---\n${trace.join('\n')}\n--- end ---\n`,
    );
  });
  after(async () => {
    const { env } = get();
    if (failures.any() && env)
      process.stderr.write(`\n--- console test logs ---\n${env.logs()}\n--- end ---\n`);
    await env?.stop();
  });
}
