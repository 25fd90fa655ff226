/**
 * The console's network pages and the workload form's edit mode in a real browser against a real
 * control plane with simulated nodes (console-env.ts). Checked: a Service's detail page shows its
 * ports and the endpoints of the EndpointSlices the controller wrote (pod IPs, ready, linked to
 * the pods); an Ingress made by form (rules with hosts, paths and backends picked from Services,
 * TLS picking a kubernetes.io/tls Secret) is on the server exactly so; a host the server refuses
 * is marked at its field; the Ingress detail page shows the rules; a Deployment edited by form
 * gets the new image and replica count while fields the form lacks stay; an edit racing a change
 * made through the API gets the server's 409 message, and the latest version can then be saved.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  apiGetJson,
  apiRequest,
  artifactsDir,
  browserSkip,
  hostNoise,
  openConsolePage,
  startConsoleEnv,
  stopConsoleEnvAfter,
  type ConsoleEnv,
} from './console-env.ts';

const ns = 'e2e-net';
const deployPath = `/apis/apps/v1/namespaces/${ns}/deployments/web`;

type Obj = Record<string, unknown> & { spec?: Record<string, unknown> };

describe(
  'console network pages and workload edit in a browser',
  { skip: browserSkip(), timeout: 240_000 },
  () => {
    let env: ConsoleEnv;
    let page: Page;
    const browserErrors: string[] = [];
    const shot = (name: string) =>
      page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
    const api = (method: string, path: string, body?: unknown, contentType?: string) =>
      apiRequest(env, method, path, body, contentType);
    const getJson = (path: string) => apiGetJson<Obj>(env, path);
    const create = async (path: string, body: unknown) => {
      const res = await api('POST', path, body);
      assert.equal(res.status, 201, res.body);
    };
    /** page.goto, again when chromium dropped it because the host's addresses changed (hostNoise). */
    const goto = async (path: string) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await page.goto(`${env.consoleUrl}${path}`);
          return;
        } catch (err) {
          if (attempt >= 5 || !hostNoise.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    const dialog = (): Locator => page.getByRole('dialog');
    /** The field labelled `label`: inside the open dialog while the Ingress form is open. */
    let inDialog = false;
    const field = (label: string) => (inDialog ? dialog() : page).getByLabel(label, { exact: true });
    /**
     * Picks `option` in the select labelled `label` and waits until the select shows it: a click
     * landing while another list is still closing is lost, so it is made again.
     */
    const pick = async (label: string, option: string) => {
      const exact = new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
      const options = page
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: exact });
      const shown = page
        .locator('.ant-select')
        .filter({ has: page.getByLabel(label, { exact: true }) })
        .filter({ hasText: exact });
      for (let attempt = 1; ; attempt++) {
        if (!(await options.first().isVisible())) await field(label).click();
        await options.first().click();
        try {
          await shown.first().waitFor({ timeout: 3000 });
          return;
        } catch (err) {
          if (attempt >= 3) throw err;
        }
      }
    };
    /** The error text antd shows under the form item holding the field labelled `label`. */
    const fieldError = (label: string) =>
      page
        .locator('.ant-form-item')
        .filter({ has: page.getByLabel(label, { exact: true }) })
        .locator('.ant-form-item-explain-error');

    before(async () => {
      env = await startConsoleEnv();
      await create('/api/v1/namespaces', { metadata: { name: ns } });
      await create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
        metadata: { name: 'web', annotations: { 'team.example/owner': 'shop' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              tolerations: [{ key: 'gpu', operator: 'Exists' }],
              containers: [
                { name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] },
              ],
            },
          },
        },
      });
      await create(`/api/v1/namespaces/${ns}/services`, {
        metadata: { name: 'web' },
        spec: {
          selector: { app: 'web' },
          sessionAffinity: 'ClientIP',
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      });
      const tls = {
        'tls.crt': Buffer.from('cert').toString('base64'),
        'tls.key': Buffer.from('key').toString('base64'),
      };
      await create(`/api/v1/namespaces/${ns}/secrets`, {
        metadata: { name: 'shop-tls' },
        type: 'kubernetes.io/tls',
        data: tls,
      });
      await create(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 'plain' }, data: tls });
      // Logging in is a page load too: chromium drops it when the host's addresses change.
      for (let attempt = 1; ; attempt++) {
        try {
          ({ page } = await openConsolePage(env, browserErrors));
          break;
        } catch (err) {
          if (attempt >= 5 || !hostNoise.test(String(err))) throw err;
        }
      }
    });

    stopConsoleEnvAfter('network', () => ({ env, page }));

    test('Service detail: ports and the endpoints of its EndpointSlices, linked to the pods', async () => {
      // The endpointslice controller lists both (simulated) pods once they are ready.
      type Slice = {
        endpoints?: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string } }[];
      };
      let endpoints: NonNullable<Slice['endpoints']> = [];
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        const list = (await getJson(
          `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb`,
        )) as { items?: Slice[] };
        endpoints = (list.items ?? []).flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
        if (endpoints.length === 2) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(endpoints.length, 2, 'two ready endpoints');

      await goto(`/c/local/services?namespace=${ns}`);
      await page.getByTestId('services-table').getByRole('link', { name: 'web', exact: true }).click();
      await page.waitForURL(new RegExp(`/c/local/services/${ns}/web$`));
      const summary = page.getByTestId('service-summary');
      await summary.getByText('ClientIP').waitFor();
      const svc = await getJson(`/api/v1/namespaces/${ns}/services/web`);
      await page.getByTestId('service-cluster-ips').getByText(String(svc.spec?.clusterIP)).waitFor();
      const ports = page.getByTestId('service-ports');
      assert.deepEqual(
        (await ports.locator('tbody tr').first().locator('td').allInnerTexts()).map((s) => s.trim()),
        ['http', '80', 'http', '-', 'TCP'],
      );

      const table = page.getByTestId('service-endpoints');
      for (const e of endpoints) {
        const row = table.locator('tbody tr').filter({ hasText: e.addresses[0] });
        await row.getByRole('link', { name: e.targetRef!.name }).waitFor();
        assert.match(await row.innerText(), /yes\s+yes\s+no/);
      }
      await shot('service-detail');
      await table.getByRole('link', { name: endpoints[0].targetRef!.name }).click();
      await page.waitForURL(new RegExp(`/c/local/pods/${ns}/${endpoints[0].targetRef!.name}$`));
    });

    test('create an Ingress by form: rules from Services and ports, TLS from tls Secrets', async () => {
      await goto(`/c/local/ingresses?namespace=${ns}`);
      await page.getByRole('button', { name: 'Create by form' }).click();
      inDialog = true;
      await field('Name').fill('shop');
      await field('Class').fill('berth');
      await field('Rule 1 Host').fill('shop.example.com');
      await pick('Rule 1 Service 1', 'web');
      // Picking the Service picks its first port.
      await page
        .locator('.ant-form-item')
        .filter({ has: page.getByLabel('Rule 1 Port 1', { exact: true }) })
        .getByText('80 (http)')
        .waitFor();
      await dialog().getByRole('button', { name: 'Add path (Rule 1)' }).click();
      await field('Rule 1 Path 2').fill('/api');
      await pick('Rule 1 Path type 2', 'Exact');
      await pick('Rule 1 Service 2', 'web');
      await dialog().getByRole('button', { name: 'Add TLS entry' }).click();
      await field('TLS 1 Hosts').fill('shop.example.com');
      await field('TLS 1 Hosts').press('Enter');
      // The Secret's list offers only kubernetes.io/tls Secrets (read once it is open and drawn;
      // the hosts' list may still be closing beside it).
      const secretList = page
        .locator('.ant-select-dropdown:visible')
        .filter({ hasText: 'shop-tls' })
        .locator('.ant-select-item-option');
      let offered: string[] = [];
      for (const deadline = Date.now() + 15_000; offered.length === 0 && Date.now() < deadline;) {
        if (!(await secretList.first().isVisible())) await field('TLS 1 Secret').click();
        await new Promise((r) => setTimeout(r, 300));
        offered = (await secretList.allInnerTexts()).map((x) => x.trim()).filter((x) => x !== '');
      }
      assert.deepEqual(offered, ['shop-tls'], 'only kubernetes.io/tls Secrets');
      await pick('TLS 1 Secret', 'shop-tls');
      await dialog()
        .getByTestId('form-yaml')
        .getByText(/secretName: shop-tls/)
        .waitFor();
      await shot('ingress-form');
      await dialog().getByRole('button', { name: 'Create', exact: true }).click();
      await dialog().waitFor({ state: 'hidden' });
      inDialog = false;

      const ing = await getJson(`/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/shop`);
      const backend = { service: { name: 'web', port: { number: 80 } } };
      assert.deepEqual(ing.spec, {
        ingressClassName: 'berth',
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend },
                { path: '/api', pathType: 'Exact', backend },
              ],
            },
          },
        ],
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      });
    });

    test('a host the server refuses is marked at its field', async () => {
      await page.getByRole('button', { name: 'Create by form' }).click();
      inDialog = true;
      await field('Name').fill('bad');
      await field('Rule 1 Host').fill('Bad_Host.example');
      await pick('Rule 1 Service 1', 'web');
      await dialog().getByRole('button', { name: 'Create', exact: true }).click();
      await dialog().getByTestId('api-error').filter({ hasText: 'The server refused the object' }).waitFor();
      await fieldError('Rule 1 Host')
        .filter({ hasText: /Bad_Host\.example|DNS-1123/ })
        .waitFor();
      await shot('ingress-form-refused');
      assert.equal(
        (await api('GET', `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/bad`)).status,
        404,
      );
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await dialog().waitFor({ state: 'hidden' });
      inDialog = false;
      browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/422/.test(e)));
    });

    test('Ingress detail shows the rules and TLS', async () => {
      await page.getByTestId('ingresses-table').getByRole('link', { name: 'shop', exact: true }).click();
      await page.waitForURL(new RegExp(`/c/local/ingresses/${ns}/shop$`));
      const rows = page.getByTestId('ingress-rules').locator('tbody tr');
      await rows.nth(1).waitFor();
      assert.deepEqual(
        (await rows.allInnerTexts()).map((r) => r.split('\t').map((s) => s.trim())),
        [
          ['shop.example.com', '/', 'Prefix', 'web:80'],
          ['shop.example.com', '/api', 'Exact', 'web:80'],
        ],
      );
      await page.getByRole('tab', { name: 'TLS' }).click();
      await page.getByTestId('ingress-tls').getByRole('link', { name: 'shop-tls' }).waitFor();
      await shot('ingress-detail');
      await page.getByRole('tab', { name: 'Rules' }).click();
      await page.getByTestId('ingress-rules').getByRole('link', { name: 'web:80' }).first().click();
      await page.waitForURL(new RegExp(`/c/local/services/${ns}/web$`));
    });

    test('edit a Deployment by form: new image and replicas; what the form lacks is kept', async () => {
      await goto(`/c/local/deployments/${ns}/web`);
      await page.getByRole('button', { name: /^(edit )?Edit$/ }).click();
      await page.waitForURL(new RegExp(`/c/local/edit/deployments/${ns}/web$`));
      assert.equal(await field('Name').inputValue(), 'web');
      assert.equal(await field('Name').isDisabled(), true);
      assert.equal(await field('Container 1 Image (with tag)').inputValue(), 'nginx:1.27');
      await field('Container 1 Image (with tag)').fill('nginx:1.28');
      await field('Replicas').fill('3');
      await page
        .getByTestId('form-yaml')
        .getByText(/image: nginx:1\.28/)
        .waitFor();
      await shot('deployment-edit');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL(new RegExp(`/c/local/deployments/${ns}/web$`));

      const d = await getJson(deployPath);
      const pod = (d.spec?.template as { spec: Obj }).spec;
      assert.equal(d.spec?.replicas, 3);
      assert.equal((pod.containers as { image: string }[])[0].image, 'nginx:1.28');
      assert.deepEqual(pod.tolerations, [{ key: 'gpu', operator: 'Exists' }]);
      assert.equal(
        (d.metadata as { annotations?: Record<string, string> }).annotations?.['team.example/owner'],
        'shop',
      );
    });

    test('a conflicting edit shows the 409; the latest version can then be saved', async () => {
      await page.getByRole('button', { name: /^(edit )?Edit$/ }).click();
      await field('Replicas').fill('4');
      // Meanwhile someone else changes what the form edits.
      // (A merge patch: the controllers keep updating the status, so a PUT here could itself conflict.)
      const patched = await api(
        'PATCH',
        deployPath,
        { spec: { replicas: 1 } },
        'application/merge-patch+json',
      );
      assert.equal(patched.status, 200, patched.body);

      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const alert = page.getByTestId('api-error');
      await alert.filter({ hasText: /Operation cannot be fulfilled on deployments/ }).waitFor();
      await shot('deployment-edit-conflict');
      assert.equal((await getJson(deployPath)).spec?.replicas, 1);

      await page.getByRole('button', { name: /Load the latest version/ }).click();
      await alert.waitFor({ state: 'hidden' });
      assert.equal(await field('Replicas').inputValue(), '1');
      await field('Replicas').fill('4');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL(new RegExp(`/c/local/deployments/${ns}/web$`));
      assert.equal((await getJson(deployPath)).spec?.replicas, 4);
      browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/409/.test(e)));
      assert.deepEqual(browserErrors, []);
    });
  },
);
