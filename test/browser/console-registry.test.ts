/**
 * The image repository pages in a real browser against `berth up` (no agent): a small image pushed
 * twice (tags v1 and v2) into namespace `team` shows up under its namespace and repository with its
 * digest and its size (manifest + config + layer, counted here from the layout on disk); the push
 * instructions name this registry's address; deleting tag v1 in the page removes it from the
 * registry (v2 stays), deleting the manifest takes v2 with it, and deleting the repository empties
 * the namespace. A `berth up --no-registry` console says there is no registry and why. The browser
 * must log no errors, and the registry's credentials never reach it.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { writeOciLayout, type BuiltImage } from '../../src/node/images/oci-layout.ts';
import { openImageSource } from '../../src/registry/client/image-source.ts';
import { parseImageRef, pushImage } from '../../src/registry/client/push.ts';
import { startBerthUp } from '../helpers/berth-up.ts';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';
import {
  artifactsDir,
  browserSkip,
  ensureConsoleBuilt,
  hostNoise,
  launchChromium,
  navigateThroughHostNoise,
} from './console-env.ts';
import type { Browser } from 'playwright-core';

/** A running `berth up --no-agent` with its console URL, registry address and admin password. */
interface Up {
  dir: string;
  consoleUrl: string;
  registry: string;
  password: string;
  output(): string;
  stop(): Promise<void>;
}

async function startUp(extra: string[]): Promise<Up> {
  const registry = `127.0.0.1:${await freePort()}`;
  const up = await startBerthUp(['--no-agent', '--registry-listen', registry, ...extra], {
    dirPrefix: 'berth-console-reg-',
    bannerMs: 90_000,
  });
  const m = /Console: (https:\/\/\S+)/.exec(up.out());
  assert.ok(m, up.out());
  return {
    dir: up.dir,
    consoleUrl: m[1].replace(/\/$/, ''),
    registry,
    password: readFileSync(join(up.dir, 'admin-password'), 'utf8').trim(),
    output: up.out,
    stop: async () => {
      await up.stop('SIGINT', 15_000);
    },
  };
}

/** GET on the registry itself as admin: status and body. */
function registryGet(
  up: Up,
  path: string,
  accept = 'application/json',
): Promise<{ status: number; body: string }> {
  const ca = readFileSync(join(up.dir, 'server', 'tls', 'ca.crt'), 'utf8');
  return new Promise((resolve, reject) => {
    request(
      `https://${up.registry}${path}`,
      {
        ca,
        agent: false,
        headers: {
          accept,
          authorization: `Basic ${Buffer.from(`admin:${up.password}`).toString('base64')}`,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    )
      .on('error', reject)
      .end();
  });
}

const blobSize = (img: BuiltImage, digest: string): number =>
  statSync(join(img.dir, 'blobs', 'sha256', digest.slice('sha256:'.length))).size;

async function logIn(page: Page, up: Up): Promise<void> {
  await page.goto(`${up.consoleUrl}/login`);
  await page.getByLabel('Password').fill(up.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/c\/local\/overview/);
}

describe('image repository pages', { skip: browserSkip(), timeout: 240_000 }, () => {
  let up: Up | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const browserErrors: string[] = [];

  before(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    navigateThroughHostNoise(page);
    page.on('console', (m) => {
      if (m.type() === 'error' && !hostNoise.test(m.text()))
        browserErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => browserErrors.push(e.message));
  });

  let failed = false;
  afterEach((t) => {
    if ((t as { passed?: boolean }).passed === false) failed = true;
  });

  after(async () => {
    if (failed && up) {
      await page?.screenshot({ path: join(artifactsDir, 'registry-failure.png') }).catch(() => undefined);
      process.stderr.write(`\n--- berth up output ---\n${up.output()}\n--- end ---\n`);
    }
    await browser?.close();
    await up?.stop();
  });

  test('a pushed image shows with digest and size; tag, manifest and repository deletes', async () => {
    up = await startUp([]);
    const u = up;
    const ns = spawnSync(berthBin, ['registry', 'namespace', 'create', 'team', '--data-dir', u.dir], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(ns.status, 0, ns.stderr);
    const img = writeOciLayout(join(u.dir, 'tiny-layout'), {
      ref: 'docker.io/library/tiny:1',
      entries: [{ type: 'file', path: 'hello.txt', data: Buffer.from('hello from the console test\n') }],
      config: { Cmd: ['/hello'] },
      createdBy: 'console-registry.test',
    });
    const ca = readFileSync(join(u.dir, 'server', 'tls', 'ca.crt'), 'utf8');
    for (const tag of ['v1', 'v2']) {
      const pushed = await pushImage(
        await openImageSource(img.dir),
        parseImageRef(`${u.registry}/team/tiny:${tag}`),
        { ca, username: 'admin', password: u.password },
      );
      assert.equal(pushed.digest, img.manifestDigest);
    }
    const size =
      blobSize(img, img.manifestDigest) + blobSize(img, img.configDigest) + blobSize(img, img.layerDigest);

    await logIn(page, u);
    await page.getByRole('menuitem', { name: 'Image repository' }).click();
    await page.waitForURL(/\/c\/local\/registry/);
    // Push instructions name this registry.
    await page
      .getByTestId('registry-push')
      .filter({ hasText: `berth image push ./image-dir ${u.registry}/` })
      .waitFor();
    const nsRow = page
      .getByTestId('registry-namespaces')
      .locator('.ant-table-row')
      .filter({ hasText: 'team' });
    await nsRow.filter({ hasText: 'Private' }).waitFor();
    await nsRow.getByRole('button', { name: 'team', exact: true }).click();
    await page.waitForURL(/namespace=team/);
    await page
      .getByTestId('registry-push')
      .filter({ hasText: `${u.registry}/team/NAME:TAG` })
      .waitFor();
    const repoRow = page
      .getByTestId('registry-repositories')
      .locator('.ant-table-row')
      .filter({ hasText: 'team/tiny' });
    await repoRow.getByRole('button', { name: 'team/tiny', exact: true }).click();
    await page.waitForURL(/repository=team%2Ftiny/);
    const tagRow = (tag: string) =>
      page.getByTestId('registry-tags').locator('.ant-table-row').filter({ hasText: tag });
    await tagRow('v1').waitFor();
    await tagRow('v2').waitFor();
    assert.equal(await tagRow('v1').locator('[data-digest]').getAttribute('data-digest'), img.manifestDigest);
    assert.equal(await tagRow('v1').locator('[data-bytes]').getAttribute('data-bytes'), String(size));
    assert.match(await tagRow('v1').innerText(), new RegExp(`sha256:${img.manifestDigest.slice(7, 19)}`));
    await page.screenshot({ path: join(artifactsDir, 'registry.png') });

    // Delete tag v1: gone from the page and from the registry; v2 stays.
    await tagRow('v1').getByTestId('delete-tag').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Tag team/tiny:v1 deleted').waitFor();
    await tagRow('v1').waitFor({ state: 'detached' });
    await tagRow('v2').waitFor();
    const tags = JSON.parse((await registryGet(u, '/api/v1/repositories/team/tiny/tags')).body) as {
      items: { name: string }[];
    };
    assert.deepEqual(
      tags.items.map((x) => x.name),
      ['v2'],
    );

    // Delete the manifest: v2 goes with it, and the registry no longer serves the digest.
    await tagRow('v2').getByTestId('delete-manifest').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.getByText(/Manifest team\/tiny@sha256:\w+… deleted/).waitFor();
    await tagRow('v2').waitFor({ state: 'detached' });
    const manifest = await registryGet(
      u,
      `/v2/team/tiny/manifests/${img.manifestDigest}`,
      'application/vnd.oci.image.manifest.v1+json',
    );
    assert.equal(manifest.status, 404, manifest.body);

    // Delete the repository: the namespace lists none.
    await repoRow.getByTestId('delete-repository').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Repository team/tiny deleted').waitFor();
    await repoRow.waitFor({ state: 'detached' });
    const repos = JSON.parse((await registryGet(u, '/api/v1/namespaces/team/repositories')).body) as {
      items: unknown[];
    };
    assert.equal(repos.items.length, 0);

    // The browser never saw the registry's credentials.
    const info = await page.evaluate(() => fetch('/api/registry').then((r) => r.text()));
    assert.ok(!info.includes(u.password), info);
    assert.deepEqual(browserErrors, []);
  });

  test('with --no-registry the page says there is none and why', async () => {
    // Leave the first console's page before its server goes, so its live lists stop asking.
    await page.goto('about:blank');
    await up?.stop();
    browserErrors.length = 0;
    up = await startUp(['--no-registry']);
    await logIn(page, up);
    await page.goto(`${up.consoleUrl}/c/local/registry`);
    await page.getByTestId('registry-off').filter({ hasText: '--no-registry' }).waitFor();
    assert.deepEqual(browserErrors, []);
  });
});
