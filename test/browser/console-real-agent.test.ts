/**
 * The console in a real browser against a cluster whose node is a real agent on a real containerd
 * (test/e2e/agent-env.ts with streams: the agent serves logs and exec), so what the user sees comes
 * from real containers: log in; create a Deployment (busybox printing a line, then serving HTTP)
 * with a ClusterIP Service by the form; its pod goes Running with a containerd container ID; scale
 * it to 2; a pod's Logs tab shows the line the container printed and, after the host's addresses
 * changed under the browser (what each pod start does; chromium then drops the requests under
 * way), resumes following and shows a line printed later; the Terminal tab runs a command in the
 * container and shows its output; delete the Deployment and its pods go from the runtime.
 * Skipped when not root, containerd/runc/CNI, the berth CLI or chromium are missing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { startAgentEnv, type AgentEnv } from '../e2e/agent-env.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import {
  artifactsDir,
  browserSkip,
  hostNoise,
  openConsolePage,
  startConsoleEnv,
  stopConsoleEnvAfter,
  type ConsoleEnv,
} from './console-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const ns = 'default';

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

describe(
  'console against a real agent: deploy, scale, logs, terminal, delete',
  { skip: skip || browserSkip(), timeout: 240_000 },
  () => {
    let agent: AgentEnv;
    let env: ConsoleEnv;
    let context: BrowserContext;
    let page: Page;
    const browserErrors: string[] = [];
    const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `${name}.png`) });
    const row = (text: string) => page.locator('.ant-table-row').filter({ hasText: text });
    // Every pod's veth gets an IPv6 link-local address on the host, and chromium fails what is
    // under way when the host's addresses change (other tests on this host add some too): a page
    // whose navigation or entry script was hit is loaded again, as the user would reload it.
    const goto = async (path: string) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await page.goto(`${env.consoleUrl}${path}`);
          await page.locator('#root > *').first().waitFor({ timeout: 10_000 });
          return;
        } catch (err) {
          if (attempt >= 3) throw err;
        }
      }
    };
    const webPods = async () =>
      (await agent.client.resource<Pod>('', 'v1', 'pods').list(ns, { labelSelector: 'app=hello' })).items;

    before(async () => {
      agent = await startAgentEnv('node-console', {}, { streams: true });
      env = await startConsoleEnv(agent.server);
      ({ context, page } = await openConsolePage(env, browserErrors, { login: false }));
      context.setDefaultTimeout(20_000);
    });
    // Per failed test: a screenshot and the page's last API requests; the logs; env stopped first.
    stopConsoleEnvAfter('real-agent', () => ({ env, page }));
    after(async () => {
      await agent?.stop();
    });

    test('log in', async () => {
      await goto('/login');
      await page.getByLabel('Password').fill(env.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/c\/local\/overview/);
    });

    test('create a Deployment with a ClusterIP Service by form; its pod runs in containerd', async () => {
      await goto(`/c/local/new/deployments?namespace=${ns}`);
      await page.getByLabel('Name', { exact: true }).fill('hello');
      await page.getByLabel('Replicas', { exact: true }).fill('1');
      await page.getByLabel('Container 1 Name', { exact: true }).fill('web');
      await page.getByLabel('Container 1 Image (with tag)', { exact: true }).fill('busybox:1.35');
      await page
        .getByLabel('Container 1 Command', { exact: true })
        .fill(`sh -c 'trap "exit 0" TERM; echo hello-from-berth; httpd -f -p 8080 -h /tmp & wait'`);
      await page.getByRole('button', { name: 'Add (Ports)' }).click();
      await page.getByLabel('Container 1 Port 1', { exact: true }).fill('8080');
      await page.getByLabel('Also create a Service for the container ports').check();
      const yaml = page.getByTestId('form-yaml');
      for (const text of [
        'kind: Service',
        'type: ClusterIP',
        'echo hello-from-berth; httpd',
        'containerPort: 8080',
      ])
        await yaml.filter({ hasText: text }).waitFor();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const refused = page.getByTestId('api-error');
      await Promise.race([
        page.waitForURL(new RegExp(`/c/local/deployments/${ns}/hello$`), { timeout: 30_000 }),
        refused.waitFor({ timeout: 30_000 }).then(async () => assert.fail(await refused.innerText())),
      ]);
      // Real containers: the image is already in the node's containerd, so this is seconds.
      await page.getByTestId('detail-counts').filter({ hasText: '1/1' }).waitFor({ timeout: 60_000 });
      await page
        .getByTestId('detail-pods')
        .locator('.ant-table-row')
        .filter({ hasText: 'Running' })
        .waitFor();
      await shot('real-agent-deployment');

      const [pod] = await webPods();
      assert.equal(pod?.spec?.nodeName, 'node-console');
      const id = pod?.status?.containerStatuses?.[0]?.containerID ?? '';
      assert.match(id, /^containerd:\/\//);
      const running = await agent.cri.listContainers();
      assert.ok(
        running.some((c) => id.endsWith(c.id)),
        `container ${id} is in containerd`,
      );
      const svc = await agent.client.resource('', 'v1', 'services').get(ns, 'hello');
      const spec = svc.spec as { type: string; ports: { port: number }[]; selector: Record<string, string> };
      assert.equal(spec.type, 'ClusterIP');
      assert.equal(spec.ports[0].port, 8080);
      assert.deepEqual(spec.selector, { app: 'hello' });
    });

    test('scale to 2: a second real container', async () => {
      await page.getByRole('button', { name: 'Scale' }).click();
      await page.getByTestId('scale-replicas').fill('2');
      await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
      await page.getByTestId('detail-counts').filter({ hasText: '2/2' }).waitFor({ timeout: 60_000 });
      const pods = await webPods();
      assert.equal(pods.length, 2);
      for (const p of pods) assert.match(p.status?.containerStatuses?.[0]?.containerID ?? '', /^containerd:/);
    });

    test("a pod's logs show the line its container printed", async () => {
      const [first] = await webPods();
      const name = first.metadata.name ?? '';
      // The page's chunk fails to load once, as a network change makes it: the import is retried.
      const chunk = /\/assets\/PodDetailPage-[\w-]+\.js$/;
      let chunkFailures = 0;
      // Network tests beside this one can make chromium fail a let-through request too
      // (ERR_NETWORK_CHANGED): each such failure must be followed by one more request.
      let noiseFailures = 0;
      const onFailed = (r: Request): void => {
        if (chunk.test(r.url()) && hostNoise.test(r.failure()?.errorText ?? '')) noiseFailures++;
      };
      page.on('requestfailed', onFailed);
      await page.route(chunk, (route) =>
        chunkFailures++ === 0 ? route.abort('internetdisconnected') : route.continue(),
      );
      try {
        await page.getByTestId('detail-pods').getByRole('link', { name }).click();
        await page.waitForURL(new RegExp(`/c/local/pods/${ns}/${name}$`));
        await page.getByTestId('detail-status').filter({ hasText: 'Running' }).waitFor();
        assert.equal(chunkFailures, 2 + noiseFailures, 'the chunk was asked again after each failure');
      } finally {
        page.off('requestfailed', onFailed);
        await page.unroute(chunk);
        // The failed chunk request is logged by the browser; that one is expected.
        const injected = /ERR_INTERNET_DISCONNECTED/;
        browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !injected.test(e)));
      }
      await page.getByRole('tab', { name: 'Logs' }).click();
      await page.getByTestId('pod-logs').filter({ hasText: 'hello-from-berth' }).waitFor();
      await page.getByTestId('logs-live').waitFor();
      // What every pod start does to a browser on the node: a host address appears, and chromium
      // drops the requests under way (ERR_NETWORK_CHANGED). The follow must resume by itself.
      const dropped = page.waitForEvent('requestfailed', {
        predicate: (r) => /\/log\?/.test(r.url()) && /NETWORK_CHANGED/.test(r.failure()?.errorText ?? ''),
        timeout: 20_000,
      });
      const link = `bc${randomBytes(3).toString('hex')}`;
      try {
        ip('link', 'add', link, 'type', 'veth', 'peer', 'name', `${link}p`);
        ip('addr', 'add', `192.0.2.${1 + (randomBytes(1)[0] % 250)}/32`, 'dev', link);
        ip('link', 'set', link, 'up');
        await dropped;
      } finally {
        spawnSync('ip', ['link', 'del', link]);
      }
      await page.getByTestId('logs-live').waitFor();
      await page.getByTestId('pod-logs').filter({ hasText: 'hello-from-berth' }).waitFor();
      // Following: a line the container prints now appears without reopening the tab.
      const wrote = await agent.k.run(['exec', name, '--', 'sh', '-c', 'echo live-line > /proc/1/fd/1']);
      assert.equal(wrote.code, 0, wrote.stderr);
      await page.getByTestId('pod-logs').filter({ hasText: 'live-line' }).waitFor();
      // The page's own watches were dropped too; they come back without a reload.
      await page.getByText('The live view was interrupted').waitFor({ state: 'detached' });
      await shot('real-agent-logs');
    });

    test('a terminal runs a command in the container', async () => {
      await page.getByRole('tab', { name: 'Terminal' }).click();
      await page.getByRole('button', { name: 'Connect' }).click();
      const terminal = page.getByTestId('terminal');
      await page.getByTestId('terminal-state').filter({ hasText: 'Connected' }).waitFor();
      await terminal.locator('.xterm').click();
      // The shell's prompt first, so the keys are not typed before the tty is up.
      await terminal.locator('.xterm-rows').filter({ hasText: /[#$]/ }).waitFor();
      await page.keyboard.type('echo $((6*7))');
      await page.keyboard.press('Enter');
      // The echoed line holds "$((6*7))"; only the shell's answer is a row of its own "42".
      await terminal
        .locator('.xterm-rows > div')
        .filter({ hasText: /^\s*42\s*$/ })
        .waitFor();
      await shot('real-agent-terminal');
      await page.keyboard.type('exit');
      await page.keyboard.press('Enter');
      await page.getByTestId('terminal-state').filter({ hasText: 'exited with code 0' }).waitFor();
    });

    test('delete the Deployment: its containers leave containerd', async () => {
      await goto(`/c/local/deployments?namespace=${ns}`);
      await row('hello').waitFor();
      await page.getByRole('button', { name: 'Delete hello' }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
      await row('hello').waitFor({ state: 'detached' });
      const deadline = Date.now() + 60_000;
      while ((await webPods()).length > 0 || (await agent.cri.listContainers()).length > 0) {
        if (Date.now() > deadline) assert.fail('pods or containers left after delete');
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    test('the browser logged no errors', () => {
      assert.deepEqual(browserErrors, []);
    });
  },
);
