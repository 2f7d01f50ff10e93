// The service worker (public/sw.js, registered by public/register-sw.js):
// after one visit the wizard loads and works with its server gone, and a new
// deployment of the folder gets a new cache while the old one is deleted.
//
// Each test serves its own copy of the built site from its own server, so it
// can stop that server or change its files without touching the other tests.

import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { test } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { DIST } from './lib/dist.mjs';

const BASE_PATH = '/docs/tools/meshtls/';
const SYMPTOM = 'tls-client-policy';

// A copy of dist/ in a temporary folder, served under BASE_PATH.
async function serveCopy() {
  const root = await mkdtemp(join(tmpdir(), 'meshtls-offline-'));
  await cp(DIST, root, { recursive: true });
  const server = await startServer(root, BASE_PATH);
  return {
    root,
    server,
    dispose: async () => {
      await server.close().catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

// Resolves once a service worker controls the page, and returns its build.
// Fails after WORKER_TIMEOUT_MS with the registration's state, which shows
// whether the worker never installed, never activated or never claimed the
// page.
const WORKER_TIMEOUT_MS = 20_000;

async function waitForController(page) {
  const result = await page.evaluate(async (timeoutMs) => {
    const describe = async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      if (!registration) return 'no registration';
      const state = (worker) => (worker ? `${worker.state} ${new URL(worker.scriptURL).search}` : 'none');
      return `installing: ${state(registration.installing)}, waiting: ${state(registration.waiting)}, `
        + `active: ${state(registration.active)}, controller: ${state(navigator.serviceWorker.controller)}`;
    };
    const controlled = (async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
      }
      const channel = new MessageChannel();
      const reply = new Promise((done) => {
        channel.port1.onmessage = (event) => done(event.data);
      });
      navigator.serviceWorker.controller.postMessage({ type: 'meshtls:sw-version' }, [channel.port2]);
      return { worker: await reply };
    })();
    const late = new Promise((done) => setTimeout(done, timeoutMs)).then(async () => ({ stalled: await describe() }));
    return Promise.race([controlled, late]);
  }, WORKER_TIMEOUT_MS);
  if (result.stalled) {
    throw new Error(`timed out after ${WORKER_TIMEOUT_MS} ms waiting for a service worker to control the page (${result.stalled})`);
  }
  return result.worker;
}

// The cache names of this origin that belong to the wizard's folder.
async function wizardCaches(page) {
  return page.evaluate(async () => {
    const names = await caches.keys();
    return names.filter((name) => name.startsWith(`meshtls ${new URL('./', location.href).pathname} `));
  });
}

async function waitForSingleCacheOtherThan(page, oldName) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = await wizardCaches(page);
    if (names.length === 1 && names[0] !== oldName) return names[0];
    if (Date.now() > deadline) {
      throw new Error(`expected one cache other than "${oldName}", found ${JSON.stringify(names)}`);
    }
    await page.waitForTimeout(200);
  }
}

async function pickSymptom(page) {
  await page.locator(`[data-testid="symptom-${SYMPTOM}"]`).click({ timeout: 20_000 });
  const step = page.locator('[data-testid="step"]');
  await step.waitFor({ state: 'visible', timeout: 15_000 });
  return step.getAttribute('data-step-id');
}

test('wizard works with the server stopped', async ({ newPage, expectConsoleErrors }) => {
  const site = await serveCopy();
  try {
    const page = await newPage();
    await page.goto(site.server.url);
    await page.locator(`[data-testid="symptom-${SYMPTOM}"]`).waitFor({ timeout: 30_000 });
    const worker = await waitForController(page);
    assert.match(worker.build, /^[0-9a-f]{16}$/, 'the worker was registered with a build version');
    assert.deepEqual(await wizardCaches(page), [worker.cache]);

    // Stop the server and take the browser offline: every file of the
    // reloaded page must come from the service worker's cache.
    await site.server.close({ force: true });
    await page.context().setOffline(true);
    expectConsoleErrors(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to (load|fetch)|fetching the script/);
    const served = site.server.requests.length;

    await page.reload();
    const stepId = await pickSymptom(page);
    assert.ok(stepId, 'the first step of the symptom has an id');
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
    assert.equal(site.server.requests.length, served, 'the stopped server got no request');
  } finally {
    await site.dispose();
  }
});

test('wizard in embed mode works offline', async ({ newPage, expectConsoleErrors }) => {
  // The page's query (?embed=1&parent=...) must not keep it from the cache.
  const site = await serveCopy();
  try {
    const page = await newPage();
    await page.goto(site.server.url);
    await waitForController(page);

    await site.server.close({ force: true });
    await page.context().setOffline(true);
    expectConsoleErrors(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to (load|fetch)|fetching the script/);

    await page.goto(`${site.server.url}?embed=1&parent=${encodeURIComponent('https://docs.example.com')}`, { timeout: 20_000 });
    assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-embed')), true);
    assert.ok(await pickSymptom(page));
  } finally {
    await site.dispose();
  }
});

test('new deployment gets a new cache', async ({ newPage }) => {
  const site = await serveCopy();
  try {
    const page = await newPage();
    await page.goto(site.server.url);
    const first = await waitForController(page);
    assert.deepEqual(await wizardCaches(page), [first.cache]);

    // Deployment 2: only config.json changes, as when a portal renames the
    // product. The page is still served from the old cache first; its check
    // of the deployed files installs the new build.
    const configPath = join(site.root, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    config.product_name = 'Renamed TLS troubleshooter';
    await writeFile(configPath, JSON.stringify(config, null, 2));

    await page.reload();
    const second = await waitForSingleCacheOtherThan(page, first.cache);
    await page.reload();
    await page.locator('[data-testid="product-name"]').filter({ hasText: 'Renamed TLS troubleshooter' }).waitFor({ timeout: 15_000 });

    // Deployment 3: index.html changes, as with every build of new code
    // (trunk's hashed file names are in it).
    const indexPath = join(site.root, 'index.html');
    const html = await readFile(indexPath, 'utf8');
    await writeFile(indexPath, html.replace('</head>', '<meta name="x-build" content="3"></head>'));

    await page.reload();
    const third = await waitForSingleCacheOtherThan(page, second);
    assert.notEqual(third, first.cache);
    await page.reload();
    const worker = await waitForController(page);
    assert.equal(worker.cache, third, 'the newest worker serves the page');
    assert.equal(await page.locator('meta[name="x-build"]').getAttribute('content'), '3');
  } finally {
    await site.dispose();
  }
});

test('page works without service workers', async ({ newPage }) => {
  // As from file:// or an insecure origin, where navigator.serviceWorker is
  // missing: register-sw.js must do nothing and the wizard must still run.
  const page = await newPage();
  await page.addInitScript(() => {
    delete Navigator.prototype.serviceWorker;
  });
  const site = await serveCopy();
  try {
    await page.goto(site.server.url);
    assert.equal(await page.evaluate(() => 'serviceWorker' in navigator), false);
    assert.ok(await pickSymptom(page));
    assert.deepEqual(await wizardCaches(page), []);
  } finally {
    await site.dispose();
  }
});

test('plain-HTTP host gets no service worker', async () => {
  // A name other than localhost or 127.0.0.1 over plain HTTP is an insecure
  // origin. Chromium resolves the made-up name to 127.0.0.1 (our own server),
  // and exposes no navigator.serviceWorker there.
  const site = await serveCopy();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP wizard.invalid 127.0.0.1',
    ],
  });
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.text().startsWith('meshtls')) problems.push(msg.text());
    });
    await page.goto(site.server.url.replace('127.0.0.1', 'wizard.invalid'));

    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    assert.equal(await page.evaluate(() => 'serviceWorker' in navigator), false);
    assert.ok(await pickSymptom(page));
    await page.waitForLoadState('load');
    const fetchedIndex = site.server.requests.filter((r) => r.path.endsWith('/index.html'));
    assert.deepEqual(fetchedIndex, [], 'register-sw.js did not look for a new build');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await site.dispose();
  }
});

test('file URL gets no service worker', async ({ newPage }) => {
  // From file:// Chromium blocks the built page's scripts outright (their
  // integrity attributes need CORS, which file:// lacks), so this loads
  // register-sw.js from a bare page of its own. navigator.serviceWorker
  // exists there and the context counts as secure: only the script's own
  // check of the URL scheme keeps it from fetching and registering.
  const folder = await mkdtemp(join(tmpdir(), 'meshtls-file-'));
  try {
    // dist/ contains register-sw.js only under trunk's hashed name.
    const built = (await readdir(DIST)).find((file) => /^register-sw-[0-9a-f]+\.js$/.test(file));
    assert.ok(built, `no register-sw-<hash>.js in ${DIST}`);
    await cp(join(DIST, built), join(folder, 'register-sw.js'));
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>file</title><script src="register-sw.js"></script>');
    const page = await newPage();
    const messages = [];
    page.on('console', (msg) => messages.push(msg.text()));
    await page.goto(pathToFileURL(join(folder, 'index.html')).href);
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);

    assert.equal(await page.evaluate(() => location.protocol), 'file:');
    assert.equal(await page.evaluate(() => 'serviceWorker' in navigator), true);
    assert.deepEqual(messages, [], 'register-sw.js neither fetched nor registered anything');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
