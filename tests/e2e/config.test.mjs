// A portal's config.json that cannot be read, in whole or in part, gets a
// visible notice in the page header, so a portal that broke its file notices
// before its readers follow the App Mesh defaults. The wizard is served from
// a copy of the built site with its own config.json.

import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { test } from './lib/harness.mjs';
import { DIST } from './lib/dist.mjs';
import { startServer } from './lib/server.mjs';
import { assert, CONFIG, openApp } from './lib/page.mjs';

const NOTICE = '[data-testid="config-notice"]';

// Serves a copy of the site whose config.json contains `body`, and runs `fn`
// with that server.
async function withConfig(body, fn) {
  const dir = await mkdtemp(join(tmpdir(), 'meshtls-config-'));
  const server = await startServer(dir, '/portal/');
  try {
    await cp(DIST, dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), body);
    return await fn(server);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('valid config.json shows no notice', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await page.locator('[data-testid="product-name"]').filter({ hasText: CONFIG.product_name }).waitFor();
  assert.equal(await page.locator(NOTICE).count(), 0);
});

test('invalid config.json shows a notice', async ({ newPage }) => {
  await withConfig('{ "product_name": "Portal", ', async (server) => {
    for (const query of ['', '?embed=1']) {
      const page = await newPage();
      await openApp(page, { url: `${server.url}${query}` });
      const notice = page.locator(NOTICE);
      await notice.waitFor({ state: 'visible' });
      const text = await notice.innerText();
      assert.match(text, /portal configuration \(config\.json\) could not be read/, `${query}: summary`);
      assert.match(text, /invalid JSON at line 1/, `${query}: the parser's message`);
    }
  });
});

test('rejected config field shows a notice', async ({ newPage }) => {
  await withConfig(JSON.stringify({ issue_new_url: 'javascript:alert(1)' }), async (server) => {
    const page = await newPage();
    await openApp(page, server);
    const notice = page.locator(NOTICE);
    await notice.waitFor({ state: 'visible' });
    const text = await notice.innerText();
    assert.match(text, /Part of the portal configuration/);
    assert.match(text, /field `issue_new_url`/);
  });
});
