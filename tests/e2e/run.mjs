// Runs the browser tests against the built site in dist/ (or the folder named
// by MESHTLS_DIST).
//
// It serves dist/ under a sub-path from a static server on 127.0.0.1 (a free
// port), starts Debian's Chromium through playwright-core, runs every
// tests/e2e/*.test.mjs file, prints one line per test and a closing
// "N passed, N failed" line, and exits non-zero when any test failed.
//
// Usage: node tests/e2e/run.mjs [FILTER]   (FILTER: part of a file or test name)

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { takeRegistered } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { DIST } from './lib/dist.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
// Deep enough that a URL built against "/" or against one folder up breaks.
const BASE_PATH = '/portal/tools/meshtls/';
const TEST_TIMEOUT_MS = 90_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function main() {
  const filter = process.argv[2] ?? '';
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error(`run.mjs: ${join(DIST, 'index.html')} not found: build the site first (trunk build)`);
    console.log('0 passed, 1 failed');
    return 1;
  }

  const files = (await readdir(HERE)).filter((f) => f.endsWith('.test.mjs')).sort();
  const groups = [];
  for (const file of files) {
    await import(pathToFileURL(join(HERE, file)).href);
    const tests = [];
    for (const t of takeRegistered()) {
      const label = `${file.replace(/\.test\.mjs$/, '')}: ${t.name}`;
      if (label.includes(filter)) tests.push({ ...t, label });
    }
    if (tests.length > 0) groups.push(tests);
  }
  if (groups.length === 0) {
    console.error(`run.mjs: no test matches "${filter}"`);
    console.log('0 passed, 1 failed');
    return 1;
  }

  const server = await startServer(DIST, BASE_PATH);
  console.log(`# serving ${DIST} at ${server.url}`);

  let passed = 0;
  let failed = 0;
  try {
    // A browser per file, so a file whose tests crash or close the browser
    // cannot fail the files after it.
    for (const tests of groups) {
      // Playwright gives every launch a new, empty user-data directory.
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        for (const t of tests) {
          const started = Date.now();
          const error = await runOne(t, browser, server);
          const ms = Date.now() - started;
          if (error) {
            failed += 1;
            console.log(`FAIL ${t.label} (${ms} ms)`);
            console.log(indent(error.stack ?? String(error)));
          } else {
            passed += 1;
            console.log(`ok   ${t.label} (${ms} ms)`);
          }
        }
      } finally {
        await browser.close().catch(() => {});
      }
    }
  } finally {
    await server.close();
  }

  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// Runs one test in its own browser context (fresh storage, cookies and cache).
// Page errors and console errors fail the test unless it declared them expected.
async function runOne(t, browser, server) {
  const contexts = [];
  const problems = [];
  const expected = [];

  const newPage = async (options = {}) => {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    return page;
  };
  const expectConsoleErrors = (pattern) => expected.push(pattern);

  let timer;
  try {
    await Promise.race([
      t.fn({ browser, server, newPage, expectConsoleErrors }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
      }),
    ]);
    const unexpected = problems.filter((p) => !expected.some((re) => re.test(p)));
    if (unexpected.length > 0) {
      return new Error(`the page reported errors:\n${unexpected.join('\n')}`);
    }
    return null;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    clearTimeout(timer);
    for (const context of contexts) await context.close().catch(() => {});
  }
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
