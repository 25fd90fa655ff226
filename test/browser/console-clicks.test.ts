/**
 * Clicks that must land whatever the page is doing at that moment — the console browser tests
 * lost three clicks under load this way (a dialog's Create, two confirmations' Delete), each time
 * with nothing in the browser's log. Checked: the frame is exactly the window (with a document
 * taller than the window, the scroll a click brings made antd move a confirmation between press
 * and release); a confirmation's Delete stands still from its first frame and is sent (a zooming
 * dialog or confirmation moved its buttons under the pointer); a click right after the list scrolled, by script or by the wheel, reaches the row's button
 * (the rows ignored the pointer for 150 ms after any scroll); a dialog works on a first load whose
 * antd chunk arrives late; antd's style sheet, dropped by the network, is loaded again.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import {
  apiRequest,
  browserSkip,
  openConsolePage,
  startConsoleEnv,
  stopConsoleEnvAfter,
  type ConsoleEnv,
} from './console-env.ts';

/** Namespaces enough for the list to scroll (40 px rows in a 540 px body at 1280×800). */
const names = Array.from({ length: 30 }, (_, i) => `clk-${String(i).padStart(2, '0')}`);
const confirm = (page: Page) => page.locator('.ant-popconfirm');

/** The page's globals the in-page functions below use (the tests are compiled without the DOM lib). */
interface PageGlobals {
  requestAnimationFrame(callback: () => void): number;
  innerHeight: number;
  getComputedStyle(el: unknown): { backgroundColor: string };
  document: { documentElement: { scrollHeight: number } };
}

/**
 * Where `locator`'s element is on each of the next 8 frames from the moment it is attached, as
 * distinct boxes: one when it stands still (a dialog zooming in moves its buttons every frame).
 */
async function boxesOverFrames(locator: Locator): Promise<string[]> {
  const handle = await locator.elementHandle();
  assert.ok(handle, 'attached');
  return handle.evaluate(async (el) => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const r = el.getBoundingClientRect();
      seen.add([r.x, r.y, r.width, r.height].map((n) => n.toFixed(1)).join(','));
      await new Promise((done) =>
        (globalThis as unknown as PageGlobals).requestAnimationFrame(() => done(undefined)),
      );
    }
    return [...seen];
  });
}

describe('console clicks land while pages move', { skip: browserSkip(), timeout: 120_000 }, () => {
  let env: ConsoleEnv;
  let page: Page;
  const browserErrors: string[] = [];

  before(async () => {
    env = await startConsoleEnv();
    for (const name of names) {
      const r = await apiRequest(env, 'POST', '/api/v1/namespaces', { metadata: { name } });
      assert.equal(r.status, 201, r.body);
    }
    ({ page } = await openConsolePage(env, browserErrors));
  });

  stopConsoleEnvAfter('clicks', () => ({ env, page }));

  /** Opens the namespaces list afresh and waits for `name`'s row. */
  const openNamespaces = async (name = 'clk-00') => {
    await page.goto(`${env.consoleUrl}/c/local/namespaces`);
    await page.getByRole('button', { name: `Delete ${name}`, exact: true }).waitFor();
  };

  test('the frame is the window: the document itself never scrolls', async () => {
    for (const path of ['overview', 'namespaces', 'new/deployments']) {
      await page.goto(`${env.consoleUrl}/c/local/${path}`);
      await page.getByRole('navigation').getByRole('menuitem', { name: 'Secrets' }).waitFor();
      await page.locator('.berth-content > *').first().waitFor();
      const { doc, view } = await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        return { doc: g.document.documentElement.scrollHeight, view: g.innerHeight };
      });
      assert.ok(doc <= view, `${path}: document ${doc} px in a ${view} px window`);
    }
  });

  test('a confirmation opens at its button, and its Delete is sent', async () => {
    await openNamespaces();
    const button = page.getByRole('button', { name: 'Delete clk-05', exact: true });
    await button.click();
    const popup = confirm(page);
    // From its first frame where it stays: a confirmation zooming in moved its Delete under the pointer.
    const moves = await boxesOverFrames(popup.getByRole('button', { name: 'Delete' }));
    assert.equal(moves.length, 1, `the confirmation's Delete moved: ${moves.join(' → ')}`);
    const b = await button.boundingBox();
    const p = await popup.boundingBox();
    assert.ok(b && p, 'both on screen');
    // Above or below the button, a few pixels off (the arrow): never somewhere else on the page.
    const gap = Math.min(Math.abs(p.y + p.height - b.y), Math.abs(b.y + b.height - p.y));
    assert.ok(
      gap < 24,
      `confirmation ${JSON.stringify(p)} is ${gap} px from its button ${JSON.stringify(b)}`,
    );
    const sent = page.waitForRequest(
      (r) => r.method() === 'DELETE' && r.url().endsWith('/namespaces/clk-05'),
    );
    await popup.getByRole('button', { name: 'Delete' }).click();
    await sent;
  });

  /**
   * Clicks, by mouse position, the Delete button of the second row in view right after the list
   * moved (`scroll`: by a script, or by the mouse wheel) and came to rest; its confirmation must
   * open.
   */
  const clickRowAfter = async (scroll: 'script' | 'wheel') => {
    await openNamespaces();
    const body = page.locator('.berth-vt-scroll');
    if (scroll === 'wheel') {
      await body.hover();
      await page.mouse.wheel(0, 120);
    }
    // Returns where the second row in view has its Delete button once the list stopped moving.
    const at = await body.evaluate(async (el, byScript) => {
      const frame = () =>
        new Promise((r) => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => r(undefined)));
      if (byScript) el.scrollTop += 120;
      // Settled: the same offset over two frames (a wheel scroll may be animated).
      for (let last = -1; last !== el.scrollTop; await frame(), await frame()) last = el.scrollTop;
      const top = el.getBoundingClientRect().top + 40; // below the header row
      const buttons = [...el.querySelectorAll('button[aria-label^="Delete "]')];
      const b = buttons
        .map((x) => x.getBoundingClientRect())
        .filter((r) => r.top >= top + 40)
        .sort((x, y) => x.top - y.top)[0];
      return b && { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    }, scroll === 'script');
    assert.ok(at, 'a row button in view');
    await page.mouse.click(at.x, at.y);
    await confirm(page).getByRole('button', { name: 'Delete' }).waitFor({ timeout: 5000 });
    await page.keyboard.press('Escape');
  };

  test('a click right after the list scrolled by script reaches the row', async () => {
    await clickRowAfter('script');
  });

  test('a click right after a wheel scroll reaches the row', async () => {
    await clickRowAfter('wheel');
  });

  test('a first load whose antd chunk arrives late: the dialog still creates', async () => {
    // The frame shows at once; antd's providers and style sheet come 1.5 s later.
    const antdChunk = (u: URL) => u.pathname.includes('/assets/AntdScope-');
    await page.route(antdChunk, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    try {
      await page.goto(`${env.consoleUrl}/c/local/secrets?namespace=clk-01`);
      await page.getByRole('button', { name: 'Create from YAML' }).click();
      const create = page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true });
      const moves = await boxesOverFrames(create);
      assert.equal(moves.length, 1, `the dialog's Create moved: ${moves.join(' → ')}`);
      const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/clk-01/secrets'));
      await create.click();
      await sent;
      await page.locator('.ant-table-row').filter({ hasText: 'credentials' }).waitFor();
    } finally {
      await page.unroute(antdChunk);
    }
  });

  test("antd's style sheet, dropped by the network on a first load, is asked for again", async () => {
    // The first request for it fails as a network change fails it; the next ones go through.
    let dropped = 0;
    const antdSheet = (u: URL) => /\/assets\/AntdScope-[^/]*\.css$/.test(u.pathname);
    await page.route(antdSheet, async (route) => {
      if (dropped++ === 0) await route.abort('internetdisconnected');
      else await route.continue();
    });
    try {
      await page.goto(`${env.consoleUrl}/c/local/namespaces`);
      const create = page.getByRole('button', { name: 'Create namespace' });
      await create.waitFor();
      assert.ok(dropped >= 1, 'the style sheet was asked for');
      // Styled by antd: the primary button's blue, not the browser's grey.
      const background = await create.evaluate(
        (el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor,
      );
      assert.equal(background, 'rgb(22, 104, 220)');
    } finally {
      await page.unroute(antdSheet);
    }
    // The aborted load is a console error of the network's, not the console's.
    browserErrors.splice(
      0,
      browserErrors.length,
      ...browserErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|preload CSS/.test(e)),
    );
  });

  test('the browser logged no errors', () => {
    assert.deepEqual(browserErrors, []);
  });
});
