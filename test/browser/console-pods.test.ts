/**
 * The console's pod, node and event pages in a real browser against a real control plane with
 * simulated nodes (`berth sim`: pods go Running, but there is no node agent, so no real logs or
 * shell). Checked: the Pods list links to the pod's page, which shows its containers, conditions
 * and events live; the Logs tab asks the API server and shows its refusal (a sim node has no agent
 * endpoint) with a download link for the log; the Terminal tab loads xterm only when opened, goes
 * through the console server's WebSocket bridge (cookie + Origin, under the page's CSP) and shows
 * the API server's refusal that came back on the error channel; Nodes lists both nodes, a node's
 * page shows capacity and its pods, cordon and uncordon update the page live; Events shows a new
 * event live and filters warnings. Real logs and a real shell are checked end to end by
 * src/platform/exec-bridge.test.ts (bridge) and test/e2e/agent-streams.test.ts (agent).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { httpsClient } from '../helpers/https.ts';
import {
  artifactsDir,
  browserSkip,
  openConsolePage,
  startConsoleEnv,
  stopConsoleEnvAfter,
  type ConsoleEnv,
} from './console-env.ts';

const ns = 'e2e-pods';
const json = { 'content-type': 'application/json' };

describe('console pod, node and event pages in a browser', { skip: browserSkip(), timeout: 120_000 }, () => {
  let env: ConsoleEnv;
  let page: Page;
  const browserErrors: string[] = [];
  const requested: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `${name}.png`) });
  const row = (text: string) => page.locator('.ant-table-row').filter({ hasText: text });
  const api = (method: string, path: string, body?: unknown) => {
    const c = httpsClient(env.server.connection);
    return c
      .request(method, path, { headers: json, body: body === undefined ? undefined : JSON.stringify(body) })
      .finally(() => c.close());
  };

  before(async () => {
    env = await startConsoleEnv();
    assert.equal((await api('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
    const pod = await api('POST', `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: 'shell', labels: { app: 'shell' } },
      spec: {
        containers: [
          { name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] },
          { name: 'side', image: 'busybox:1.36' },
        ],
      },
    });
    assert.equal(pod.status, 201, pod.body);
    ({ page } = await openConsolePage(env, browserErrors, { login: false }));
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${env.consoleUrl}/login`);
    await page.getByLabel('Password').fill(env.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/c\/local\/overview/);
  });

  stopConsoleEnvAfter('pods', () => ({ env, page }));

  test('the Pods list links to the pod page: containers, conditions, events', async () => {
    await page.goto(`${env.consoleUrl}/c/local/pods?namespace=${ns}`);
    await row('shell').filter({ hasText: 'Running' }).waitFor();
    await row('shell').getByRole('link', { name: 'shell' }).click();
    await page.waitForURL(new RegExp(`/c/local/pods/${ns}/shell$`));
    await page.getByTestId('detail-status').filter({ hasText: 'Running' }).waitFor();
    const containers = page.getByTestId('pod-containers');
    await containers.locator('tr').filter({ hasText: 'main' }).filter({ hasText: 'busybox:1.36' }).waitFor();
    await containers.locator('tr').filter({ hasText: 'side' }).filter({ hasText: 'Running' }).waitFor();
    await page.getByTestId('detail-counts').filter({ hasText: '2/2' }).waitFor();
    await shot('pod-detail');

    await page.getByRole('tab', { name: 'Conditions' }).click();
    await page.getByTestId('detail-conditions').locator('tr').filter({ hasText: 'Ready' }).first().waitFor();
    await page.getByRole('tab', { name: 'Events' }).click();
    await page.getByTestId('detail-events').waitFor();
  });

  test('logs: the API server is asked (and its refusal shown); download link per container', async () => {
    await page.getByRole('tab', { name: 'Logs' }).click();
    // A simulated node publishes no agent endpoint: the API server answers 503 with why.
    await page.getByTestId('api-error').filter({ hasText: /agent/ }).waitFor();
    const download = page.getByRole('link', { name: 'Download' });
    assert.match(
      (await download.getAttribute('href')) ?? '',
      new RegExp(`/api/clusters/local/k8s/api/v1/namespaces/${ns}/pods/shell/log\\?container=main$`),
    );
    assert.equal(await download.getAttribute('download'), 'shell-main.log');
    await page.getByTestId('logs-container').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'side' }).click();
    assert.match((await download.getAttribute('href')) ?? '', /container=side$/);
    assert.ok(
      requested.some((u) => /\/pods\/shell\/log\?container=side&follow=true&tailLines=1000$/.test(u)),
      'the log was requested with follow for the picked container',
    );
    await shot('pod-logs');
    // The 503 of the log request is expected; anything else is not.
    browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/503/.test(e)));
  });

  test('terminal: xterm loads on demand; the exec WebSocket is bridged and its error shown', async () => {
    assert.ok(
      !requested.some((u) => /PodTerminal/.test(u)),
      'xterm was not loaded before the terminal opened',
    );
    await page.getByRole('tab', { name: 'Terminal' }).click();
    const socket = page.waitForEvent('websocket');
    await page.getByRole('button', { name: 'Connect' }).click();
    const ws = await socket;
    assert.match(
      ws.url(),
      new RegExp(`^wss://.*/pods/shell/exec\\?container=main&stdin=true&stdout=true&tty=true&command=sh$`),
    );
    await page.getByTestId('terminal').locator('.xterm').waitFor();
    assert.ok(requested.some((u) => /PodTerminal/.test(u)));
    // The API server's refusal arrives as a Status on channel 3 and is shown, in the page and the terminal.
    await page.getByTestId('terminal-error').filter({ hasText: /agent/ }).waitFor();
    await page.getByTestId('terminal').filter({ hasText: /agent/ }).waitFor();
    await shot('pod-terminal');
  });

  test('nodes: list, detail with capacity and pods, cordon and uncordon live', async () => {
    await page.getByRole('menuitem', { name: 'Nodes' }).click();
    await page.waitForURL(/\/c\/local\/nodes$/);
    const table = page.getByTestId('nodes-table');
    await table.locator('.ant-table-row').filter({ hasText: 'Ready' }).nth(1).waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), 2);
    await shot('nodes');

    const podNode = JSON.parse((await api('GET', `/api/v1/namespaces/${ns}/pods/shell`)).body) as {
      spec: { nodeName: string };
    };
    const nodeName = podNode.spec.nodeName;
    await row(nodeName).getByRole('link', { name: nodeName }).click();
    await page.waitForURL(new RegExp(`/nodes/${nodeName}$`));
    await page.getByTestId('detail-conditions').locator('tr').filter({ hasText: 'Ready' }).waitFor();
    await page.getByRole('tab', { name: 'Capacity and allocatable' }).click();
    await page.getByTestId('node-capacity').locator('tr').filter({ hasText: 'cpu' }).waitFor();
    await page.getByRole('tab', { name: 'Pods on this node' }).click();
    await page
      .getByTestId('detail-pods')
      .locator('tr')
      .filter({ hasText: 'shell' })
      .filter({ hasText: ns })
      .waitFor();

    await page.getByRole('button', { name: `Cordon ${nodeName}` }).click();
    await page.getByTestId('node-status').filter({ hasText: 'SchedulingDisabled' }).waitFor();
    const cordoned = JSON.parse((await api('GET', `/api/v1/nodes/${nodeName}`)).body) as {
      spec: { unschedulable?: boolean };
    };
    assert.equal(cordoned.spec.unschedulable, true);
    await shot('node-detail');
    await page.getByRole('button', { name: `Uncordon ${nodeName}` }).click();
    await page.getByTestId('node-status').filter({ hasNotText: 'SchedulingDisabled' }).waitFor();
    const back = JSON.parse((await api('GET', `/api/v1/nodes/${nodeName}`)).body) as {
      spec: { unschedulable?: boolean };
    };
    assert.equal(back.spec.unschedulable, undefined);
  });

  test('events: a new event appears live; warnings only; namespace filter', async () => {
    await page.goto(`${env.consoleUrl}/c/local/events?namespace=${ns}`);
    await page.getByTestId('events-table').waitFor();
    const event = (name: string, type: string, reason: string) => ({
      metadata: { name, namespace: ns },
      type,
      reason,
      message: `${reason} happened`,
      involvedObject: { kind: 'Pod', name: 'shell', namespace: ns },
      lastTimestamp: new Date().toISOString(),
      count: 1,
    });
    assert.equal(
      (await api('POST', `/api/v1/namespaces/${ns}/events`, event('e2e-warn', 'Warning', 'E2eBroken')))
        .status,
      201,
    );
    assert.equal(
      (await api('POST', `/api/v1/namespaces/${ns}/events`, event('e2e-fine', 'Normal', 'E2eFine'))).status,
      201,
    );
    await row('E2eBroken').waitFor();
    await row('E2eFine').waitFor();
    await page.getByRole('switch', { name: 'Warnings only' }).click();
    await row('E2eFine').waitFor({ state: 'detached' });
    await row('E2eBroken').getByRole('link', { name: 'Pod/shell' }).waitFor();
    await shot('events');
    await page.goto(`${env.consoleUrl}/c/local/events?namespace=default`);
    await page.getByTestId('events-table').waitFor();
    await page
      .getByText('1 item')
      .or(page.getByText(/items$/))
      .first()
      .waitFor();
    assert.equal(await row('E2eBroken').count(), 0);
    assert.deepEqual(browserErrors, []);
  });
});
