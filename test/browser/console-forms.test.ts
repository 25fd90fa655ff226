/**
 * The console's create-by-form page, overview charts and storage pages in a real browser against a
 * real control plane with simulated nodes (console-env.ts). Checked: a Deployment with a NodePort
 * Service is created through the form (the live YAML preview shows both objects; the API then
 * holds exactly what the form said) and its pods go Running; a server refusal lands on the form
 * field its Status cause names; the overview's CPU/memory charts say "no metrics" for simulated
 * nodes and draw reported figures; PersistentVolumeClaims (with the pods using them),
 * PersistentVolumes and StorageClasses (default marked) list live, are created from YAML and
 * deleted; an Ingress created from YAML shows its rule.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  apiRequest,
  artifactsDir,
  browserSkip,
  openConsolePage,
  startConsoleEnv,
  stopConsoleEnvAfter,
  type ConsoleEnv,
} from './console-env.ts';

const ns = 'e2e-forms';

describe('console forms, charts and storage in a browser', { skip: browserSkip(), timeout: 150_000 }, () => {
  let env: ConsoleEnv;
  let page: Page;
  const browserErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
  const api = (method: string, path: string, body?: unknown) => apiRequest(env, method, path, body);
  const pick = async (label: string, option: string) => {
    await page.getByLabel(label, { exact: true }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: option })
      .first()
      .click();
  };

  before(async () => {
    env = await startConsoleEnv();
    assert.equal((await api('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
    ({ page } = await openConsolePage(env, browserErrors));
  });

  stopConsoleEnvAfter('forms', () => ({ env, page }));

  test('create a Deployment with a NodePort Service by form; the YAML preview is live', async () => {
    await page.goto(`${env.consoleUrl}/c/local/deployments?namespace=${ns}`);
    await page.getByRole('button', { name: 'Create by form' }).click();
    await page.waitForURL(new RegExp(`/c/local/new/deployments\\?namespace=${ns}$`));
    const yaml = page.getByTestId('form-yaml');
    await yaml.filter({ hasText: `namespace: ${ns}` }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('shop');
    await page.getByLabel('Replicas', { exact: true }).fill('2');
    await page.getByLabel('Container 1 Name', { exact: true }).fill('web');
    await page.getByLabel('Container 1 Image (with tag)', { exact: true }).fill('nginx:1.27');
    await page.getByLabel('Container 1 CPU request', { exact: true }).fill('100m');
    await page.getByLabel('Container 1 Memory limit', { exact: true }).fill('128Mi');
    await page.getByRole('button', { name: 'Add (Ports)' }).click();
    await page.getByLabel('Container 1 Port 1', { exact: true }).fill('80');
    await page.getByRole('button', { name: 'Add (Environment variables)' }).click();
    await page.getByLabel('Container 1 Environment variables 1', { exact: true }).fill('MODE');
    await page.getByLabel('Container 1 Value 1', { exact: true }).fill('prod');
    await pick('Container 1 Readiness probe', 'HTTP GET');
    await page.getByLabel('Container 1 Readiness probe Port', { exact: true }).fill('80');
    await page.getByRole('button', { name: 'Add (Volumes)' }).click();
    await page.getByLabel('Volume 1 Name', { exact: true }).fill('cache');
    await page.getByRole('button', { name: 'Add (Volume mounts)' }).click();
    await pick('Container 1 Volume 1', 'cache');
    await page.getByLabel('Container 1 Mount path 1', { exact: true }).fill('/cache');
    await page.getByLabel('Also create a Service for the container ports').check();
    await pick('Service type', 'NodePort');

    // The preview follows the form: both objects, with what was typed.
    for (const text of [
      'kind: Deployment',
      'name: shop',
      'replicas: 2',
      'image: nginx:1.27',
      'containerPort: 80',
      'cpu: 100m',
      'mountPath: /cache',
      'kind: Service',
      'type: NodePort',
      'path: /',
    ]) {
      await yaml.filter({ hasText: text }).waitFor();
    }
    await shot('create-form');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    // Either the detail page opens, or the refusal is shown (and becomes the failure message).
    const refused = page.getByTestId('api-error');
    await Promise.race([
      page.waitForURL(new RegExp(`/c/local/deployments/${ns}/shop$`), { timeout: 45_000 }),
      refused.waitFor({ timeout: 45_000 }).then(async () => assert.fail(await refused.innerText())),
    ]);
    await page.getByTestId('detail-counts').filter({ hasText: '2/2' }).waitFor({ timeout: 30_000 });

    const d = JSON.parse((await api('GET', `/apis/apps/v1/namespaces/${ns}/deployments/shop`)).body);
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.image, 'nginx:1.27');
    assert.deepEqual(c.env, [{ name: 'MODE', value: 'prod' }]);
    assert.deepEqual(c.resources, { requests: { cpu: '100m' }, limits: { memory: '128Mi' } });
    assert.equal(c.readinessProbe.httpGet.port, 80);
    assert.deepEqual(
      c.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
      ['/cache'],
    );
    assert.deepEqual(
      d.spec.template.spec.volumes.map((v: { name: string }) => v.name),
      ['cache'],
    );
    assert.deepEqual(d.spec.selector.matchLabels, { app: 'shop' });
    const svc = JSON.parse((await api('GET', `/api/v1/namespaces/${ns}/services/shop`)).body);
    assert.equal(svc.spec.type, 'NodePort');
    assert.deepEqual(svc.spec.selector, { app: 'shop' });
    assert.equal(svc.spec.ports[0].port, 80);
    assert.ok(svc.spec.ports[0].nodePort > 0, 'a node port was allocated');
  });

  test('a server refusal is shown on the field its Status cause names', async () => {
    await page.goto(`${env.consoleUrl}/c/local/new/deployments?namespace=${ns}`);
    await page.getByLabel('Name', { exact: true }).fill('bad');
    await page.getByLabel('Container 1 Name', { exact: true }).fill('web');
    await page.getByLabel('Container 1 Image (with tag)', { exact: true }).fill('nginx:1.27');
    await page.getByLabel('Max surge', { exact: true }).fill('0');
    await page.getByLabel('Max unavailable', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByTestId('api-error').filter({ hasText: 'The server refused the object' }).waitFor();
    // The cause spec.strategy.rollingUpdate.maxUnavailable is put on the "Max unavailable" field.
    const item = page
      .locator('.ant-form-item')
      .filter({ has: page.getByLabel('Max unavailable', { exact: true }) });
    await item
      .locator('.ant-form-item-explain-error')
      .filter({ hasText: /maxSurge|0/ })
      .waitFor();
    await shot('create-form-error');
    assert.equal((await api('GET', `/apis/apps/v1/namespaces/${ns}/deployments/bad`)).status, 404);
    browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/422/.test(e)));
  });

  test('overview: CPU and memory charts; sim nodes say "no metrics", reported figures are drawn', async () => {
    await page.goto(`${env.consoleUrl}/c/local/overview`);
    const usage = page.getByTestId('overview-usage');
    await usage.getByTestId('usage-reporting').filter({ hasText: '0 of 2 nodes report metrics' }).waitFor();
    await usage.getByTestId('usage-node-sim-0').filter({ hasText: 'no metrics' }).first().waitFor();
    await usage.getByTestId('usage-cluster-cpu').filter({ hasText: 'no metrics' }).waitFor();
    await shot('overview-no-metrics');

    // Simulated nodes report nothing, so the drawing of figures is checked with a metrics answer
    // put in the browser's way (the page reads it as it would the API server's).
    const nodes = JSON.parse((await api('GET', '/api/v1/nodes/sim-0')).body);
    const cpu = nodes.status.allocatable.cpu as string;
    await page.route('**/apis/metrics.k8s.io/v1beta1/nodes', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          kind: 'NodeMetricsList',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: {},
          items: [
            { metadata: { name: 'sim-0' }, usage: { cpu: `${Number.parseFloat(cpu) / 2}`, memory: '0' } },
          ],
        }),
      }),
    );
    await page.reload();
    await usage.getByTestId('usage-reporting').filter({ hasText: '1 of 2 nodes report metrics' }).waitFor();
    await usage.getByTestId('usage-cluster-cpu').filter({ hasText: '50%' }).waitFor();
    await usage.getByTestId('usage-node-sim-0').filter({ hasText: '(50%)' }).waitFor();
    await usage.getByTestId('usage-node-sim-1').filter({ hasText: 'no metrics' }).first().waitFor();
    assert.equal(
      await usage.getByTestId('usage-cluster-cpu').locator('svg path').count(),
      1,
      'an arc is drawn',
    );
    await shot('overview-metrics');
    await page.unroute('**/apis/metrics.k8s.io/v1beta1/nodes');
  });

  test('storage: claims (with the pods using them), volumes and classes; create from YAML, delete', async () => {
    const row = (text: string) => page.locator('.ant-table-row').filter({ hasText: text });
    await page.goto(`${env.consoleUrl}/c/local/persistentvolumeclaims?namespace=${ns}`);
    await page.getByRole('button', { name: 'Create from YAML' }).click();
    await page.getByTestId('yaml-editor').filter({ hasText: 'kind: PersistentVolumeClaim' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    await row('data').filter({ hasText: '1Gi' }).filter({ hasText: 'RWO' }).waitFor();
    const pod = await api('POST', `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: 'uses-data' },
      spec: {
        containers: [{ name: 'main', image: 'busybox:1.36' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    });
    assert.equal(pod.status, 201, pod.body);
    await page.getByTestId('used-by-data').getByRole('link', { name: 'uses-data' }).waitFor();
    await shot('storage-claims');

    await page.goto(`${env.consoleUrl}/c/local/persistentvolumes`);
    assert.equal(await page.getByTestId('namespace-select').count(), 0, 'no namespace filter for volumes');
    await page.getByRole('button', { name: 'Create from YAML' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    await row('pv-data').filter({ hasText: 'Retain' }).waitFor();
    assert.equal((await api('GET', '/api/v1/persistentvolumes/pv-data')).status, 200);
    await shot('storage-volumes');
    await page.getByRole('button', { name: 'Delete pv-data' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await row('pv-data').waitFor({ state: 'detached' });

    const sc = await api('POST', '/apis/storage.k8s.io/v1/storageclasses', {
      metadata: { name: 'e2e-fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/fast',
    });
    assert.equal(sc.status, 201, sc.body);
    await page.goto(`${env.consoleUrl}/c/local/storageclasses`);
    await row('e2e-fast').filter({ hasText: 'example.com/fast' }).filter({ hasText: 'default' }).waitFor();
    await page.getByRole('button', { name: 'Create from YAML' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    // The starter class is not marked default; the cluster's local-path and e2e-fast are.
    await row('local-path-retain').filter({ hasText: 'Retain' }).waitFor();
    assert.equal(
      await row('local-path-retain').locator('.ant-tag').filter({ hasText: 'default' }).count(),
      0,
    );
    assert.equal(await row('e2e-fast').locator('.ant-tag').filter({ hasText: 'default' }).count(), 1);
    await shot('storage-classes');
    // The create dialog must be gone before the row's delete is clicked.
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete e2e-fast' }).click();
    const confirm = page.locator('.ant-popconfirm:visible');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('StorageClass "e2e-fast" deleted').waitFor();
    await row('e2e-fast').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal((await api('GET', '/apis/storage.k8s.io/v1/storageclasses/e2e-fast')).status, 404);
  });

  test('ingresses: create from YAML, the rule is listed, delete', async () => {
    const row = (text: string) => page.locator('.ant-table-row').filter({ hasText: text });
    await page.goto(`${env.consoleUrl}/c/local/ingresses?namespace=${ns}`);
    await page.getByRole('button', { name: 'Create from YAML' }).click();
    await page.getByTestId('yaml-editor').filter({ hasText: 'kind: Ingress' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    await row('web').filter({ hasText: 'web.example/ → web:80' }).waitFor();
    await shot('ingresses');
    await page.getByRole('button', { name: 'Delete web' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await row('web.example').waitFor({ state: 'detached' });
  });

  test('the browser logged no errors', () => {
    assert.deepEqual(browserErrors, []);
  });
});
