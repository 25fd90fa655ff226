/**
 * The console's ConfigMap and Secret editors in a real browser against a real control plane
 * (console-env.ts). Checked: a ConfigMap is created with a typed key, a text file and a binary file
 * (setInputFiles), an invalid or repeated key is marked at its field; it is edited (value changed,
 * key renamed, key removed) and the API holds exactly that; an edit racing a change made through
 * the API gets the server's 409 Conflict message, and "load the latest version" then saves; a
 * Secret's typed value stays hidden until revealed, is stored as the right base64, and is hidden
 * again when the Secret is opened for editing. A NodePort Service is created by form and a second
 * one asking for the same node port gets the server's refusal.
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
  openConsolePage,
  startConsoleEnv,
  stopConsoleEnvAfter,
  type ConsoleEnv,
} from './console-env.ts';

const ns = 'e2e-config';
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');

describe(
  'console ConfigMap and Secret editors in a browser',
  { skip: browserSkip(), timeout: 150_000 },
  () => {
    let env: ConsoleEnv;
    let page: Page;
    const browserErrors: string[] = [];
    const shot = (name: string) =>
      page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
    const api = (method: string, path: string, body?: unknown) => apiRequest(env, method, path, body);
    const getJson = (path: string) =>
      apiGetJson<Record<string, unknown> & { data?: Record<string, string> }>(env, path);
    const dialog = (): Locator => page.getByRole('dialog');
    const field = (label: string) => dialog().getByLabel(label, { exact: true });
    const closed = () => dialog().waitFor({ state: 'hidden' });

    before(async () => {
      env = await startConsoleEnv();
      assert.equal((await api('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
      ({ page } = await openConsolePage(env, browserErrors));
    });

    stopConsoleEnvAfter('config', () => ({ env, page }));

    const cmPath = `/api/v1/namespaces/${ns}/configmaps/app-config`;
    const binary = new Uint8Array([0x89, 0x00, 0xff, 0x10]);

    test('create a ConfigMap from a typed key and files; bad keys are marked at the field', async () => {
      await page.goto(`${env.consoleUrl}/c/local/configmaps?namespace=${ns}`);
      await page.getByRole('button', { name: 'Create ConfigMap' }).click();
      await field('Name').fill('app-config');
      await page.getByRole('button', { name: 'Add key' }).click();
      await field('Entry 1 Key').fill('mode');
      await field('Entry 1 Value').fill('prod');
      await dialog()
        .getByTestId('data-files')
        .setInputFiles([
          { name: 'app.conf', mimeType: 'text/plain', buffer: Buffer.from('port=80\nhost=a\n') },
          { name: 'logo.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(binary) },
        ]);
      await field('Entry 2 Key').and(page.locator('[value="app.conf"]')).waitFor();
      await dialog().getByText('binary file, 4 bytes').waitFor();

      await page.getByRole('button', { name: 'Add key' }).click();
      await field('Entry 4 Key').fill('bad/key');
      await dialog().getByRole('alert').filter({ hasText: 'letters, digits' }).waitFor();
      await field('Entry 4 Key').fill('mode');
      await dialog().getByRole('alert').filter({ hasText: 'duplicate key "mode"' }).waitFor();
      assert.equal(await field('Entry 4 Key').getAttribute('aria-invalid'), 'true');
      await shot('configmap-editor');
      // Saving with a marked key is refused before anything is sent.
      await dialog().getByRole('button', { name: 'Create', exact: true }).click();
      await dialog().getByText('Correct the marked fields first').waitFor();
      await dialog().getByRole('button', { name: 'Remove Entry 4' }).click();

      await dialog().getByRole('button', { name: 'Create', exact: true }).click();
      await closed();
      const cm = await getJson(cmPath);
      assert.deepEqual(cm.data, { mode: 'prod', 'app.conf': 'port=80\nhost=a\n' });
      assert.deepEqual(cm.binaryData, { 'logo.bin': b64(binary) });
      await page.getByTestId('configmaps-table').getByText('logo.bin').waitFor();
    });

    test('edit a ConfigMap: change a value, rename and remove keys', async () => {
      await page.getByRole('button', { name: 'Edit app-config' }).click();
      // Rows are sorted by key: app.conf, logo.bin, mode.
      assert.equal(await field('Entry 3 Key').inputValue(), 'mode');
      await field('Entry 3 Value').fill('staging');
      await field('Entry 2 Key').fill('icon.bin');
      await dialog().getByRole('button', { name: 'Remove Entry 1' }).click();
      await dialog().getByRole('button', { name: 'Save' }).click();
      await closed();
      const cm = await getJson(cmPath);
      assert.deepEqual(cm.data, { mode: 'staging' });
      assert.deepEqual(cm.binaryData, { 'icon.bin': b64(binary) });
    });

    test('a conflicting edit shows the 409 message; the latest version can then be saved', async () => {
      await page.getByTestId('configmaps-table').getByText('icon.bin').waitFor();
      await page.getByRole('button', { name: 'Edit app-config' }).click();
      await field('Entry 2 Value').fill('mine');
      // Meanwhile someone else changes the object.
      const current = await getJson(cmPath);
      const put = await api('PUT', cmPath, { ...current, data: { mode: 'theirs' } });
      assert.equal(put.status, 200, put.body);

      await dialog().getByRole('button', { name: 'Save' }).click();
      const alert = dialog().getByTestId('api-error');
      await alert.filter({ hasText: 'Operation cannot be fulfilled on configmaps "app-config"' }).waitFor();
      await shot('configmap-conflict');
      assert.deepEqual((await getJson(cmPath)).data, { mode: 'theirs' });

      await dialog()
        .getByRole('button', { name: /Load the latest version/ })
        .click();
      await alert.waitFor({ state: 'hidden' });
      assert.equal(await field('Entry 2 Value').inputValue(), 'theirs');
      await field('Entry 2 Value').fill('final');
      await dialog().getByRole('button', { name: 'Save' }).click();
      await closed();
      assert.deepEqual((await getJson(cmPath)).data, { mode: 'final' });
      // The refused PUT is logged by the browser as a failed resource load; that one is expected.
      browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/409/.test(e)));
    });

    test('create a Secret whose value stays hidden until revealed, stored as base64', async () => {
      const secret = 's3cr€t pass';
      await page.goto(`${env.consoleUrl}/c/local/secrets?namespace=${ns}`);
      await page.getByRole('button', { name: 'Create Secret' }).click();
      await field('Name').fill('db-cred');
      assert.equal(await field('Type').inputValue(), 'Opaque');
      await page.getByRole('button', { name: 'Add key' }).click();
      await field('Entry 1 Key').fill('password');
      const value = field('Entry 1 Value');
      assert.equal(await value.getAttribute('type'), 'password');
      await value.fill(secret);
      assert.ok(!(await dialog().innerText()).includes(secret));
      await dialog().getByRole('button', { name: 'Reveal Entry 1' }).click();
      assert.equal(await value.evaluate((el) => el.tagName), 'TEXTAREA');
      assert.equal(await value.inputValue(), secret);
      await dialog().getByRole('button', { name: 'Hide Entry 1' }).click();
      assert.equal(await value.getAttribute('type'), 'password');
      await dialog()
        .getByTestId('data-files')
        .setInputFiles({ name: 'token.txt', mimeType: 'text/plain', buffer: Buffer.from('tok-123') });
      await field('Entry 2 Key').and(page.locator('[value="token.txt"]')).waitFor();
      await dialog().getByRole('button', { name: 'Create', exact: true }).click();
      await closed();

      const s = await getJson(`/api/v1/namespaces/${ns}/secrets/db-cred`);
      assert.equal(s.type, 'Opaque');
      assert.deepEqual(s.data, { password: b64(secret), 'token.txt': b64('tok-123') });

      // Opened for editing, the stored value is hidden again until revealed.
      await page.getByRole('button', { name: 'Edit db-cred' }).click();
      assert.equal(await field('Entry 1 Key').inputValue(), 'password');
      assert.equal(await field('Entry 1 Value').getAttribute('type'), 'password');
      assert.ok(!(await dialog().innerText()).includes(secret));
      await dialog().getByRole('button', { name: 'Reveal Entry 1' }).click();
      assert.equal(await field('Entry 1 Value').inputValue(), secret);
      await shot('secret-editor');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await closed();
    });

    test('create a NodePort Service by form; a taken node port is refused with the server message', async () => {
      const create = async (name: string) => {
        await page.getByRole('button', { name: 'Create by form' }).click();
        await field('Name').fill(name);
        await dialog().getByText('NodePort', { exact: true }).click();
        await field('Selector Value 1').fill('web');
        await field('Port 1').fill('80');
        await field('Target port 1').fill('http');
        await field('Node port 1').fill('30123');
        await dialog().getByRole('button', { name: 'Create', exact: true }).click();
      };
      await page.goto(`${env.consoleUrl}/c/local/services?namespace=${ns}`);
      await create('web');
      await closed();
      const svc = (await getJson(`/api/v1/namespaces/${ns}/services/web`)) as {
        spec?: Record<string, unknown>;
      };
      assert.equal(svc.spec?.type, 'NodePort');
      assert.deepEqual(svc.spec?.selector, { app: 'web' });
      assert.deepEqual(svc.spec?.ports, [
        { name: 'tcp-80', port: 80, targetPort: 'http', nodePort: 30123, protocol: 'TCP' },
      ]);
      await page.getByTestId('services-table').getByText('80:30123/TCP').waitFor();

      await create('web2');
      await dialog().getByTestId('api-error').filter({ hasText: /30123/ }).waitFor();
      await shot('service-form-refused');
      assert.equal((await api('GET', `/api/v1/namespaces/${ns}/services/web2`)).status, 404);
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await closed();
      browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/422/.test(e)));
      assert.deepEqual(browserErrors, []);
    });
  },
);
