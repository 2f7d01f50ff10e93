// Embed mode (public/embed.js, public/embed.css). The wizard in an iframe of
// a host page on another origin hides its own chrome. It posts its height to
// the origin the host declared and to no other, and it takes theme messages
// only from that origin.
//
// The wizard is served by the runner's server (origin B); the host page is
// public/embed-example.html served by a second server (origin A), so the two
// differ by port and are cross-origin.

import assert from 'node:assert/strict';

import { test } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { DIST } from './lib/dist.mjs';
import { expectNoAxeViolations } from './lib/page.mjs';

const HOST_PATH = '/docs/troubleshooting/';
const HEIGHT = 'meshtls:height';

// Records, in the top window only, every message it receives, with the id of
// the iframe that sent it.
function recordMessages() {
  if (window.top !== window) return;
  window.__received = [];
  window.addEventListener('message', (event) => {
    const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === event.source);
    window.__received.push({ origin: event.origin, frame: frame ? frame.id : null, data: event.data });
  });
}

async function heightMessages(page) {
  const received = await page.evaluate(() => window.__received);
  return received.filter((m) => m.data && m.data.type === HEIGHT);
}

async function waitForHeights(page, count, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const messages = await heightMessages(page);
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`expected ${count} height messages, got ${JSON.stringify(messages)}`);
    await page.waitForTimeout(100);
  }
}

async function withHost(fn) {
  const host = await startServer(DIST, HOST_PATH);
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

test('iframe hides chrome and posts its height', async ({ server, newPage }) => {
  await withHost(async (host) => {
    assert.notEqual(host.origin, server.origin);
    const page = await newPage({ viewport: { width: 1000, height: 700 } });
    await page.addInitScript(recordMessages);
    await page.goto(`${host.url}embed-example.html?src=${encodeURIComponent(`${server.url}index.html`)}`);

    const frame = page.frameLocator('#meshtls');
    await frame.locator('[data-testid^="symptom-"]').first().waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('html').getAttribute('data-embed'), '');

    // Chrome: the footer is gone; the title and tagline shrink to the 1px box
    // that keeps them for screen readers.
    assert.equal(await frame.locator('.site-footer').isVisible(), false);
    for (const selector of ['.site-header h1', '.site-header .tagline']) {
      const box = await frame.locator(selector).boundingBox();
      assert.ok(box, `${selector} is in the layout`);
      assert.ok(box.width <= 1, `${selector} is 1px wide at most, got ${box.width}`);
      assert.ok(box.height <= 1, `${selector} is 1px high at most, got ${box.height}`);
    }

    const [first] = await waitForHeights(page, 1);
    assert.equal(first.origin, server.origin, 'the message comes from the wizard');
    assert.deepEqual(Object.keys(first.data).sort(), ['height', 'type']);
    assert.equal(typeof first.data.height, 'number');
    assert.ok(first.data.height > 200, `height above 200px: ${first.data.height}`);
    assert.ok(first.data.height < 20_000, `height below 20000px: ${first.data.height}`);

    // The host page resized the iframe to the last height it was sent, and
    // the iframe then needs no scroll bar.
    await page.waitForFunction(
      () => {
        const heights = window.__received.filter((m) => m.data?.type === 'meshtls:height');
        const last = heights[heights.length - 1].data.height;
        return document.getElementById('meshtls').style.height === `${last}px`;
      },
      null,
      { timeout: 10_000 },
    );
    const contentHeight = await frame.locator('html').evaluate((html) => html.getBoundingClientRect().height);
    const frameHeight = await page.locator('#meshtls').evaluate((iframe) => iframe.clientHeight);
    assert.ok(Math.abs(frameHeight - Math.ceil(contentHeight)) <= 1, `iframe ${frameHeight}px for content ${contentHeight}px`);

    // New content (the first step of a symptom) changes the height, and a new
    // message follows.
    const before = (await heightMessages(page)).length;
    await frame.locator('[data-testid="symptom-tls-client-policy"]').click();
    await frame.locator('[data-testid="step"]').waitFor();
    const after = await waitForHeights(page, before + 1);
    const last = after[after.length - 1].data.height;
    const lastBefore = after[before - 1].data.height;
    assert.notEqual(last, lastBefore, 'the height message carries the new height');
  });
});

test('iframe posts nothing to another origin', async ({ server, newPage }) => {
  await withHost(async (host) => {
    const page = await newPage();
    await page.addInitScript(recordMessages);
    // A host page whose iframe claims a parent origin that is not the host's.
    await page.goto(`${host.url}embed-example.html?src=${encodeURIComponent(`${server.url}index.html`)}`);
    const warnings = [];
    page.on('console', (msg) => {
      if (msg.type() === 'warning') warnings.push(msg.text());
    });
    await page.evaluate((wizard) => {
      const iframe = document.createElement('iframe');
      iframe.id = 'mismatch';
      iframe.title = 'wizard with a wrong parent origin';
      iframe.src = `${wizard}?embed=1&parent=${encodeURIComponent('https://docs.example.com')}`;
      document.body.append(iframe);
    }, `${server.url}index.html`);

    const frame = page.frameLocator('#mismatch');
    await frame.locator('[data-testid^="symptom-"]').first().waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('html').getAttribute('data-embed'), '');
    await frame.locator('[data-testid="symptom-tls-client-policy"]').click();
    await frame.locator('[data-testid="step"]').waitFor();
    await page.waitForTimeout(1_000);

    const mismatchFrame = page.frames().find((f) => f.url().includes('docs.example.com'));
    assert.ok(mismatchFrame, 'the second iframe loaded');
    const received = await page.evaluate(() => window.__received);
    assert.ok(
      received.some((m) => m.frame === 'meshtls' && m.data?.type === HEIGHT),
      'the iframe with the right parent origin posts',
    );
    assert.deepEqual(
      received.filter((m) => m.frame === 'mismatch'),
      [],
      'the iframe with a wrong parent origin posts nothing',
    );
    // Had it posted to its declared origin, Chromium would have logged that
    // the target origin does not match, and the runner fails on console errors.
    assert.ok(
      warnings.some((w) => w.includes('is not https://docs.example.com')),
      `the wizard warns about the wrong parent: ${JSON.stringify(warnings)}`,
    );

    // A theme message from the host (not the declared origin) is ignored.
    await page.evaluate(() => {
      document.getElementById('mismatch').contentWindow.postMessage({ type: 'meshtls:theme', theme: 'dark' }, '*');
    });
    await page.waitForTimeout(300);
    assert.equal(await mismatchFrame.evaluate(() => document.documentElement.getAttribute('data-theme')), null);
  });
});

test('theme messages from the host apply', async ({ server, newPage }) => {
  await withHost(async (host) => {
    const page = await newPage({ colorScheme: 'light' });
    await page.goto(`${host.url}embed-example.html?src=${encodeURIComponent(`${server.url}index.html`)}`);
    const frame = page.frameLocator('#meshtls');
    await frame.locator('[data-testid^="symptom-"]').first().waitFor({ timeout: 30_000 });
    const background = () => frame.locator('html').evaluate((html) => getComputedStyle(html).backgroundColor);
    const light = await background();

    await page.selectOption('#theme', 'dark');
    await frame.locator('html[data-theme="dark"]').waitFor();
    const dark = await background();
    assert.notEqual(dark, light, 'the dark scheme changes the background');
    // The example also sets --radius, one of the page's own variables.
    assert.equal(await frame.locator('html').evaluate((html) => html.style.getPropertyValue('--radius')), '4px');

    await page.selectOption('#theme', 'auto');
    await frame.locator('html:not([data-theme])').waitFor();
    assert.equal(await background(), light);
  });
});

// The wizard in an iframe that the test adds to the host page, with `query`
// after its URL. Returns the iframe's frame once the app has started.
async function addWizardFrame(page, server, id, query) {
  await page.evaluate(
    ([frameId, url]) => {
      const iframe = document.createElement('iframe');
      iframe.id = frameId;
      iframe.title = 'wizard opened with a theme in its URL';
      iframe.src = url;
      document.body.append(iframe);
    },
    [id, `${server.url}index.html?${query}`],
  );
  const frame = page.frameLocator(`#${id}`);
  await frame.locator('[data-testid^="symptom-"]').first().waitFor({ timeout: 30_000 });
  return frame;
}

async function rootStyle(html) {
  return html.evaluate((root) => ({
    theme: root.getAttribute('data-theme'),
    accent: root.style.getPropertyValue('--accent'),
    text: root.style.getPropertyValue('--text'),
    colorScheme: root.style.getPropertyValue('color-scheme'),
  }));
}

test('URL theme applies in a frame without parent', async ({ server, newPage }) => {
  await withHost(async (host) => {
    const page = await newPage({ colorScheme: 'light' });
    await page.goto(`${host.url}embed-example.html?src=${encodeURIComponent(`${server.url}index.html`)}`);
    // Without `parent`, and with one that is not the host's: the framing
    // page chose the URL, so the theme in it applies either way.
    for (const [id, parent] of [
      ['no-parent', ''],
      ['wrong-parent', `&parent=${encodeURIComponent('https://docs.example.com')}`],
    ]) {
      const frame = await addWizardFrame(page, server, id, `embed=1&theme=dark&var-accent=%23b00020${parent}`);
      const style = await rootStyle(frame.locator('html'));
      assert.equal(style.theme, 'dark', `${id}: data-theme`);
      assert.equal(style.colorScheme, 'dark', `${id}: color-scheme`);
      assert.equal(style.accent, '#b00020', `${id}: --accent`);
    }
  });
});

test('URL theme is ignored at the top level', async ({ server, newPage }) => {
  const page = await newPage({ colorScheme: 'light' });
  const warnings = [];
  page.on('console', (msg) => {
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  // A crafted link that would hide the text.
  await page.goto(`${server.url}?embed=1&theme=dark&var-text=%23fff&var-bg=%23fff`);
  await page.locator('[data-testid^="symptom-"]').first().waitFor({ timeout: 30_000 });
  const style = await rootStyle(page.locator('html'));
  assert.deepEqual(style, { theme: null, accent: '', text: '', colorScheme: '' });
  assert.equal(await page.locator('html').getAttribute('data-embed'), '', 'embed mode itself still applies');
  assert.ok(
    warnings.some((w) => w.includes('only inside a frame')),
    `the wizard says why it ignores the theme: ${JSON.stringify(warnings)}`,
  );
});

// Portals copy the example host page, so it must pass axe itself: one main
// landmark among others.
for (const colorScheme of ['light', 'dark']) {
  test(`example host page passes axe in ${colorScheme}`, async ({ server, newPage }) => {
    const page = await newPage({ colorScheme, viewport: { width: 320, height: 720 } });
    await page.goto(`${server.url}embed-example.html`);
    await page.frameLocator('#meshtls').locator('[data-testid^="symptom-"]').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('main').count(), 1, 'one <main> landmark');
    await expectNoAxeViolations(page, `example host page (${colorScheme})`);
  });
}
