// The static message of index.html for a browser that blocks the page's
// scripts. A page opened from file://, or framed in a sandbox without
// allow-same-origin, shows why it is blank. A normal load never shows it.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { test } from './lib/harness.mjs';
import { DIST } from './lib/dist.mjs';
import { assert, openApp } from './lib/page.mjs';

const MESSAGE = '#boot-message';
// main.css keeps the message hidden for 3 s, in case the stylesheet loads.
const SHOWN_WITHIN_MS = 10_000;
// Chromium reports the blocked module scripts and stylesheets as errors.
const BLOCKED = /CORS|blocked|Failed to load|integrity|net::ERR_FAILED/;

async function expectMessage(frameOrPage, where) {
  const message = frameOrPage.locator(MESSAGE);
  await message.waitFor({ state: 'visible', timeout: SHOWN_WITHIN_MS });
  const text = await message.innerText();
  assert.match(text, /served over HTTP or HTTPS/, `${where}: the message says what the page needs`);
  assert.match(text, /Build the static site/, `${where}: the message points at the README`);
}

test('file:// page shows the served message', async ({ newPage, expectConsoleErrors }) => {
  expectConsoleErrors(BLOCKED);
  const page = await newPage();
  await page.goto(pathToFileURL(join(DIST, 'index.html')).href);
  await expectMessage(page, 'file://');
  assert.equal(await page.locator('[data-testid^="symptom-"]').count(), 0, 'the wizard did not start');
});

test('sandboxed frame shows the served message', async ({ server, newPage, expectConsoleErrors }) => {
  expectConsoleErrors(BLOCKED);
  const page = await newPage();
  await page.goto(`${server.url}embed-example.html`);
  await page.evaluate((url) => {
    const iframe = document.createElement('iframe');
    iframe.id = 'sandboxed';
    iframe.title = 'wizard in a sandbox without allow-same-origin';
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.src = url;
    document.body.append(iframe);
  }, `${server.url}index.html?embed=1`);
  await expectMessage(page.frameLocator('#sandboxed'), 'sandbox="allow-scripts"');
});

test('served page never shows the message', async ({ server, newPage }) => {
  const page = await newPage();
  // The message's visibility as soon as the page is parsed, before boot.js ran.
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      const message = document.getElementById('boot-message');
      window.__bootMessageAtParse = message ? getComputedStyle(message).visibility : 'removed';
    });
  });
  await openApp(page, server);
  assert.equal(await page.locator(MESSAGE).count(), 0, 'boot.js removed the message');
  const atParse = await page.evaluate(() => window.__bootMessageAtParse);
  assert.ok(['hidden', 'removed'].includes(atParse), `the message is hidden while the page starts: ${atParse}`);
});
