/**
 * The web console in Debian's chromium against a real `berth server` with 2 simulated nodes and the
 * console server (test/browser/console-env.ts). Figures, each beside a same-run baseline:
 * - first load to interactive: navigation start → the overview shows its node count, median of N
 *   cold loads (fresh browser context, cache disabled) and N warm ones (cache kept); baseline: a
 *   static document (/favicon.svg) from the same server, loaded the same way;
 * - initial JS gzipped (bytes on the wire) with the overview and with the Pods list opened first;
 *   the largest first-route JS of any route from the Vite manifest is noted too;
 * - a change in the cluster visible in an open list: a pod created through the API → its row in the
 *   open Pods page, median of N; baseline: the same create seen as an ADDED event on a raw watch;
 * - 1,000 pods: dropped frames (requestAnimationFrame gaps > 1.5 × the frame time) while the list
 *   is scrolled by the mouse wheel; baseline: the same page idle for as long.
 * `--loads N` (default 7) and `--changes N` (default 15) set the sample counts.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { httpsClient } from '../test/helpers/https.ts';
import type { Connection } from '../test/helpers/kubeconfig.ts';
import { repoRoot } from '../test/helpers/server.ts';
import { browserSkip, startConsoleEnv, type ConsoleEnv } from '../test/browser/console-env.ts';
import { createSuite, percentile } from './harness.ts';
import { figuresTable, type Figure } from './lib/figures.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const loads = flag('loads', 7);
const changes = flag('changes', 15);
const median = (xs: number[]): number => percentile(xs, 50);
const jsonHeaders = { 'content-type': 'application/json' };

const skip = browserSkip();
if (skip) {
  process.stderr.write(`bench console: ${skip}\n`);
  process.exit(2);
}

/** Records, in the page, when the overview first shows a node count (performance.now(), ms after navigation start). */
const readyProbe = `(() => {
  const check = () => {
    const el = document.querySelector('[data-testid="overview-nodes"]');
    if (el && /\\d\\s*\\/\\s*[1-9]/.test(el.textContent || '')) {
      window.__berthReady = performance.now();
      return true;
    }
    return false;
  };
  const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
  obs.observe(document, { subtree: true, childList: true, characterData: true });
})();`;

/** Defines window.jsBytesOnWire(): bytes of JS transferred (gzip as sent) since navigation. */
const jsBytesScript = `window.jsBytesOnWire = () => performance.getEntriesByType('resource')
  .filter((e) => e.name.endsWith('.js')).reduce((n, e) => n + e.encodedBodySize, 0);`;

async function newContext(browser: Browser, state?: Awaited<ReturnType<BrowserContext['storageState']>>) {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
    ...(state ? { storageState: state } : {}),
  });
  ctx.setDefaultTimeout(60_000);
  await ctx.addInitScript(readyProbe);
  await ctx.addInitScript(jsBytesScript);
  return ctx;
}

async function goto(page: Page, url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (err) {
      if (attempt >= 4 || !/ERR_NETWORK_CHANGED/.test((err as Error).message)) throw err;
    }
  }
}

/** Loads the overview; ms from navigation start until it showed the node count, and JS bytes fetched. */
/** Milestones of one load, ms after navigation start. */
interface LoadMarks {
  /** The overview showed its node count. */
  ms: number;
  jsBytes: number;
  html: number;
  domContentLoaded: number;
  /** The last JS file arrived. */
  jsDone: number;
  /** /api/session answered. */
  session: number;
  /** The first cluster API request went out. */
  firstApi: number;
}

async function overviewLoad(page: Page, base: string): Promise<LoadMarks> {
  await goto(page, `${base}/c/local/overview`);
  // A function, not a string: the console's CSP forbids eval.
  await page.waitForFunction(() => (globalThis as { __berthReady?: number }).__berthReady !== undefined);
  return (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const js = res.filter((e) => e.name.endsWith('.js'));
    const session = res.find((e) => e.name.endsWith('/api/session'));
    const api = res.filter((e) => e.name.includes('/k8s/')).map((e) => e.startTime);
    return {
      ms: window.__berthReady,
      jsBytes: window.jsBytesOnWire(),
      html: nav.responseEnd,
      domContentLoaded: nav.domContentLoadedEventEnd,
      jsDone: Math.max(0, ...js.map((e) => e.responseEnd)),
      session: session ? session.responseEnd : -1,
      firstApi: api.length ? Math.min(...api) : -1,
    };
  })()`)) as LoadMarks;
}

/** Loads /favicon.svg as a document; ms from navigation start to its load event. */
async function staticLoad(page: Page, base: string): Promise<number> {
  await goto(page, `${base}/favicon.svg`);
  return (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return nav.loadEventEnd > 0 ? nav.loadEventEnd : nav.responseEnd;
  })()`)) as number;
}

/**
 * JS bytes on the wire once no script arrived for a second (at most 30 s). Not 'networkidle': a
 * page's open watches keep requests in flight for as long as it lives.
 */
async function jsSettled(p: Page): Promise<number> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const now = (await p.evaluate('window.jsBytesOnWire()')) as number;
    if (now === last) return now;
    last = now;
    await p.waitForTimeout(1000);
  }
  return last;
}

/** A cold load: a fresh context (new connection, empty cache) with the cache disabled. */
async function cold<T>(
  browser: Browser,
  state: Parameters<typeof newContext>[1],
  f: (p: Page) => Promise<T>,
) {
  const ctx = await newContext(browser, state);
  try {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    return await f(page);
  } finally {
    await ctx.close();
  }
}

/** The largest first-load JS (entries + route chunk + their static imports, gzipped) of any route. */
function manifestFigures(): { route: string; kib: number }[] {
  const dist = join(repoRoot, 'console', 'dist');
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string; isEntry?: boolean; imports?: string[] }
  >;
  const gz = new Map<string, number>();
  const size = (file: string) => {
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
    return gz.get(file)!;
  };
  const closure = (keys: string[]) => {
    const seen = new Set<string>();
    const stack = [...keys];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...(manifest[k]?.imports ?? []));
    }
    return seen;
  };
  // Every entry index.html loads: the app and the boot script.
  const entries = Object.keys(manifest).filter((k) => manifest[k]!.isEntry);
  return Object.keys(manifest)
    .filter((k) => k.startsWith('src/pages/'))
    .map((k) => ({
      route: k.slice('src/pages/'.length, -'.tsx'.length),
      kib: [...closure([...entries, k])].reduce((n, c) => n + size(manifest[c]!.file), 0) / 1024,
    }))
    .sort((a, b) => b.kib - a.kib);
}

/** A raw watch on the pods of `namespace`: resolves `seen(name)` when its ADDED event arrives. */
function rawWatch(conn: Connection, namespace: string) {
  const waiting = new Map<string, (t: number) => void>();
  const arrived = new Map<string, number>();
  const base = new URL(conn.server);
  let buf = '';
  const req = request({
    hostname: base.hostname,
    port: base.port,
    path: `/api/v1/namespaces/${namespace}/pods?watch=1`,
    ca: conn.ca,
    cert: conn.cert,
    key: conn.key,
    headers: conn.token ? { authorization: `Bearer ${conn.token}` } : {},
  });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      resolve();
      res.on('data', (c: Buffer) => {
        const now = performance.timeOrigin + performance.now();
        buf += c.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
          if (ev.type !== 'ADDED') continue;
          const name = ev.object.metadata.name;
          arrived.set(name, now);
          waiting.get(name)?.(now);
        }
      });
    });
    req.on('error', reject);
  });
  req.end();
  return {
    ready,
    seen: (name: string) =>
      new Promise<number>((resolve) => {
        const t = arrived.get(name);
        if (t !== undefined) resolve(t);
        else waiting.set(name, resolve);
      }),
    close: () => req.destroy(),
  };
}

async function createNamespace(env: ConsoleEnv, name: string): Promise<void> {
  const api = httpsClient(env.server.connection);
  const r = await api.request('POST', '/api/v1/namespaces', {
    headers: jsonHeaders,
    body: JSON.stringify({ metadata: { name } }),
  });
  api.close();
  if (r.status !== 201) throw new Error(`namespace ${name}: ${r.status} ${r.body}`);
}

const podBody = (namespace: string, name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    // Bound to a node nobody runs: the pods stay Pending and cost the cluster nothing.
    spec: { nodeName: 'bench-nowhere', containers: [{ name: 'c', image: 'busybox' }] },
  });

async function createPods(env: ConsoleEnv, namespace: string, count: number): Promise<void> {
  const api = httpsClient(env.server.connection, 8);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const name = `pod-${String(next++).padStart(4, '0')}`;
      const r = await api.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
        headers: jsonHeaders,
        body: podBody(namespace, name),
      });
      if (r.status !== 201) throw new Error(`pod ${name}: ${r.status} ${r.body}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    api.close();
  }
}

/** rAF gaps in the page over `ms`, while `during` runs (or idle). */
async function frameGaps(page: Page, ms: number, during?: () => Promise<void>): Promise<number[]> {
  await page.evaluate(`(() => {
    window.__gaps = [];
    window.__gapsDone = false;
    let last = performance.now();
    const end = last + ${ms};
    const tick = (t) => {
      window.__gaps.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(tick);
      else window.__gapsDone = true;
    };
    requestAnimationFrame(tick);
  })()`);
  await during?.();
  await page.waitForFunction(() => (globalThis as { __gapsDone?: boolean }).__gapsDone === true);
  return ((await page.evaluate('window.__gaps')) as number[]).slice(1);
}

const figures: Figure[] = [];
/** Figures that are not durations (sizes, frame counts): one line each, with target and verdict. */
const counts: { name: string; value: string; baseline?: string; target: string; met: boolean }[] = [];
const countLines = () =>
  counts
    .map(
      (c) =>
        `${c.name}: ${c.value}${c.baseline ? ` (baseline ${c.baseline})` : ''}; target ${c.target}: ${c.met ? 'yes' : 'NO'}`,
    )
    .join('\n');
const suite = createSuite('console', {
  print: (text) =>
    process.stdout.write(
      `${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n${countLines()}\n`,
    ),
});
suite.note('load average (1 min) at the start', loadavg()[0]);
suite.note('config', { loads, changes, viewport: '1280x800', chromium: 'Debian, headless' });

const env = await startConsoleEnv();
try {
  const base = env.consoleUrl;
  // Log in once; every later context starts from this session cookie.
  const login = await env.browser.newContext({ ignoreHTTPSErrors: true });
  const r = await login.request.post(`${base}/api/login`, {
    data: { username: 'admin', password: env.password },
    headers: { 'x-berth-console': '1' },
  });
  if (!r.ok()) throw new Error(`login: ${r.status()} ${await r.text()}`);
  const state = await login.storageState();
  await login.close();

  // 1. First load: cold (alternating with the static baseline), then warm in one context.
  const coldMs: number[] = [];
  const coldMarks: LoadMarks[] = [];
  const coldStatic: number[] = [];
  const overviewJs: number[] = [];
  // One untimed load first, so the server's first-request costs land on nobody.
  await cold(env.browser, state, (p) => overviewLoad(p, base));
  for (let i = 0; i < loads; i++) {
    const subject = () =>
      cold(env.browser, state, async (p) => {
        const o = await overviewLoad(p, base);
        coldMs.push(o.ms);
        coldMarks.push(o);
        overviewJs.push(o.jsBytes);
      });
    const baseline = () =>
      cold(env.browser, state, async (p) => void coldStatic.push(await staticLoad(p, base)));
    if (i % 2) {
      await baseline();
      await subject();
    } else {
      await subject();
      await baseline();
    }
  }
  const warmMs: number[] = [];
  const warmStatic: number[] = [];
  {
    const ctx = await newContext(env.browser, state);
    const page = await ctx.newPage();
    await overviewLoad(page, base);
    await staticLoad(page, base);
    for (let i = 0; i < loads; i++) {
      warmMs.push((await overviewLoad(page, base)).ms);
      warmStatic.push(await staticLoad(page, base));
    }
    await ctx.close();
  }

  // 2. Initial JS with a list page opened first (cold, so every byte is counted).
  const podsJs = await cold(env.browser, state, async (p) => {
    await goto(p, `${base}/c/local/pods`);
    await p.getByTestId('pods-table').waitFor();
    return jsSettled(p);
  });
  const routes = manifestFigures();
  suite.note(
    'first-load JS by route from the manifest (KiB gzip, largest first)',
    routes.map((x) => `${x.route} ${x.kib.toFixed(1)}`),
  );

  // 3. A change in the cluster → its row in the open Pods list; baseline: the raw watch event.
  await createNamespace(env, 'bench-live');
  const watch = rawWatch(env.server.connection, 'bench-live');
  await watch.ready;
  const liveCtx = await newContext(env.browser, state);
  const live = await liveCtx.newPage();
  await goto(live, `${base}/c/local/pods?namespace=bench-live`);
  await live.getByTestId('pods-table').waitFor();
  await jsSettled(live);
  const api = httpsClient(env.server.connection);
  const rowMs: number[] = [];
  const watchMs: number[] = [];
  for (let i = 0; i < changes; i++) {
    const name = `live-${String(i).padStart(3, '0')}`;
    const seenInPage = live.evaluate(`new Promise((resolve) => {
      const has = () => document.querySelector('[data-testid="pods-table"]')?.textContent?.includes(${JSON.stringify(name)}) ?? false;
      const at = () => performance.timeOrigin + performance.now();
      if (has()) return resolve(at());
      const obs = new MutationObserver(() => {
        if (has()) {
          obs.disconnect();
          resolve(at());
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    })`) as Promise<number>;
    // Let the observer start before the create goes.
    await live.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
    const t0 = performance.timeOrigin + performance.now();
    const res = await api.request('POST', '/api/v1/namespaces/bench-live/pods', {
      headers: jsonHeaders,
      body: podBody('bench-live', name),
    });
    if (res.status !== 201) throw new Error(`pod ${name}: ${res.status} ${res.body}`);
    const [inPage, inWatch] = await Promise.all([seenInPage, watch.seen(name)]);
    rowMs.push(inPage - t0);
    watchMs.push(inWatch - t0);
  }
  api.close();
  watch.close();
  await liveCtx.close();

  // 4. 1,000 pods: scroll the list with the mouse wheel, count dropped frames; baseline idle.
  await createNamespace(env, 'bench-many');
  await createPods(env, 'bench-many', 1000);
  const bigCtx = await newContext(env.browser, state);
  const big = await bigCtx.newPage();
  await goto(big, `${base}/c/local/pods?namespace=bench-many`);
  await big.getByText('1000 items').waitFor();
  const holder = big.locator('[data-testid="pods-table"] [data-virtual-body]');
  const box = await holder.boundingBox();
  if (!box) throw new Error('no virtual list on the Pods page');
  await big.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const firstRow = () => big.locator('[data-testid="pods-table"] .ant-table-row').first().innerText();
  const before = await firstRow();
  // Frame time: median gap while idle.
  const idleGaps = await frameGaps(big, 3000);
  const frame = median(idleGaps);
  const scrollMs = 4000;
  const scrollGaps = await frameGaps(big, scrollMs, async () => {
    const end = performance.now() + scrollMs - 200;
    while (performance.now() < end) {
      await big.mouse.wheel(0, 120);
      await new Promise((r) => setTimeout(r, 16));
    }
  });
  const after = await firstRow();
  await bigCtx.close();
  const dropped = (gaps: number[]) => gaps.filter((g) => g > 1.5 * frame).length;
  suite.note('scroll', {
    frameMs: frame,
    frames: scrollGaps.length,
    dropped: dropped(scrollGaps),
    idleFrames: idleGaps.length,
    idleDropped: dropped(idleGaps),
    worstGapMs: Math.max(...scrollGaps),
    firstRowBefore: before.split('\n')[0],
    firstRowAfter: after.split('\n')[0],
  });

  suite.note('cold overview ms', coldMs.map(Math.round));
  const markMedian = (k: keyof LoadMarks) => Math.round(median(coldMarks.map((m) => m[k])));
  suite.note('cold load milestones, medians (ms after navigation start)', {
    html: markMedian('html'),
    jsDone: markMedian('jsDone'),
    domContentLoaded: markMedian('domContentLoaded'),
    session: markMedian('session'),
    firstApi: markMedian('firstApi'),
    ready: markMedian('ms'),
  });
  suite.note('load average (1 min) at the end', loadavg()[0]);
  suite.note('cold static ms', coldStatic.map(Math.round));
  suite.note('warm overview ms', warmMs.map(Math.round));
  suite.note('row visible ms', rowMs.map(Math.round));
  suite.note('raw watch ms', watchMs.map(Math.round));
  figures.push(
    {
      name: `first load to interactive, cold (median of ${loads})`,
      value: median(coldMs),
      unit: 'ms',
      baselineName: 'static document, cold',
      baseline: median(coldStatic),
      target: { op: '<=', value: 1000 },
    },
    {
      name: `first load to interactive, warm (median of ${loads})`,
      value: median(warmMs),
      unit: 'ms',
      baselineName: 'static document, warm',
      baseline: median(warmStatic),
      target: { op: '<=', value: 1000 },
    },
    {
      name: `change visible in an open list (median of ${changes})`,
      value: median(rowMs),
      unit: 'ms',
      baselineName: 'raw watch event',
      baseline: median(watchMs),
      target: { op: '<=', value: 1000 },
    },
  );
  const kib = (n: number) => `${n.toFixed(1)} KiB`;
  counts.push(
    {
      name: 'initial JS gzip, overview first',
      value: kib(median(overviewJs) / 1024),
      target: '<= 400 KiB',
      met: median(overviewJs) <= 400 * 1024,
    },
    {
      name: 'initial JS gzip, Pods list first',
      value: kib(podsJs / 1024),
      target: '<= 400 KiB',
      met: podsJs <= 400 * 1024,
    },
    {
      name: `initial JS gzip, largest first route (${routes[0]!.route}, manifest)`,
      value: kib(routes[0]!.kib),
      target: '<= 400 KiB',
      met: routes[0]!.kib <= 400,
    },
    {
      name: `1,000 pods, ${scrollMs / 1000} s of wheel scrolling: dropped frames (gap > 1.5 x ${frame.toFixed(1)} ms)`,
      value: `${dropped(scrollGaps)} of ${scrollGaps.length}`,
      baseline: `same page idle ${idleGaps.length / 1} frames: ${dropped(idleGaps)} dropped`,
      target: '0',
      met: dropped(scrollGaps) === 0,
    },
  );
  suite.note('figures', figures);
  suite.note('counts', counts);
  suite.finish();
} finally {
  await env.stop();
}
