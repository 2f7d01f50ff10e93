// Privacy and hosting: after the page has loaded, nothing it does sends a
// request anywhere; the Content Security Policy stops requests to other
// origins and inline script; the built site works under a sub-path and
// names no third-party host.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { test } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import {
  assert,
  clickAnswer,
  fixture,
  fixturePath,
  openApp,
  pasteEvidence,
  waitForApp,
} from './lib/page.mjs';
import { DIST } from './lib/dist.mjs';


test('no request leaves the page after load', async ({ server, newPage }) => {
  const page = await newPage();
  const requests = [];
  let loaded = false;
  page.context().on('request', (request) => requests.push({ url: request.url(), afterLoad: loaded }));

  await openApp(page, server);
  await page.waitForLoadState('networkidle');
  loaded = true;

  for (const { url } of requests) {
    const parsed = new URL(url);
    assert.equal(parsed.origin, server.origin, `initial request to the page's own origin: ${url}`);
    assert.ok(parsed.pathname.startsWith(new URL(server.url).pathname), `initial request under the sub-path: ${url}`);
  }

  // Paste, read a file, diagnose, walk to a conclusion and back, and change
  // the host name: all of it happens in the page.
  await pasteEvidence(page, 'certs.json', fixture('istio-certs-expired.json'));
  await pasteEvidence(page, 'envoy.log', fixture('multicluster-unknown-ca.log'));
  await page.locator('[data-testid="evidence-file"]').setInputFiles(fixturePath('front-proxy-connection-refused.log'));
  await page.locator('[data-testid="finding"][data-code="conn-refused"]').waitFor();
  await page.locator('[data-testid="evidence-host"]').fill('backend.mesh.local');
  await page.locator('[data-testid="evidence-host"]').press('Enter');
  await page.locator('[data-testid="symptom-tls-elb"]').click();
  // Evidence answers some steps; click the first answer of the others.
  for (let clicks = 0; (await page.locator('[data-testid="conclusion"]').count()) === 0; clicks += 1) {
    assert.ok(clicks < 40, 'a conclusion is reached');
    await page.locator('[data-testid="answer"]').first().click();
  }
  await page.locator('[data-testid="back"]').click();
  await page.locator('[data-testid="evidence-remove"]').first().click();
  // Give any late request (a prefetch, a beacon) time to show up.
  await page.waitForTimeout(500);

  const late = requests.filter((r) => r.afterLoad).map((r) => r.url);
  assert.deepEqual(late, [], 'requests after load');
});

test('the CSP blocks other origins and inline script', async ({ server, newPage, expectConsoleErrors }) => {
  // Chromium reports each blocked request on the console.
  expectConsoleErrors(/Content Security Policy/);
  const other = await startServer(DIST, '/');
  try {
    const page = await newPage();
    await openApp(page, server);

    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const directives = Object.fromEntries(
      policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]),
    );
    assert.equal(directives['default-src'], "'self'");
    assert.equal(directives['connect-src'], "'self'");
    assert.equal(directives['script-src'], "'self' 'wasm-unsafe-eval'");
    assert.equal(directives['object-src'], "'none'");
    assert.equal(directives['base-uri'], "'none'");
    assert.equal(directives['form-action'], "'none'");

    const outcome = await page.evaluate(async (target) => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      let fetchResult;
      try {
        await fetch(`${target}config.json`);
        fetchResult = 'fetched';
      } catch {
        fetchResult = 'blocked';
      }
      const image = await new Promise((done) => {
        const img = new Image();
        img.onload = () => done('loaded');
        img.onerror = () => done('blocked');
        img.src = `${target}favicon.svg`;
      });
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.body.append(script);
      await new Promise((done) => setTimeout(done, 100));
      return { fetchResult, image, inlineRan: window.inlineRan === true, violations };
    }, other.url);

    assert.equal(outcome.fetchResult, 'blocked');
    assert.equal(outcome.image, 'blocked');
    assert.equal(outcome.inlineRan, false, 'inline script does not run');
    assert.ok(outcome.violations.includes('connect-src'), `violations: ${outcome.violations}`);
    assert.ok(outcome.violations.includes('img-src'), `violations: ${outcome.violations}`);
    assert.ok(outcome.violations.some((d) => d.startsWith('script-src')), `violations: ${outcome.violations}`);
    assert.deepEqual(other.requests, [], 'the other origin received nothing');
  } finally {
    await other.close();
  }
});

test('the site works under a sub-path', async ({ server, newPage }) => {
  const before = server.requests.length;
  const page = await newPage();
  await openApp(page, server);
  await page.waitForLoadState('networkidle');
  await page.locator('[data-testid="symptom-tls-client-policy"]').click();
  await clickAnswer(page, 'yes');

  const served = server.requests.slice(before);
  const basePath = new URL(server.url).pathname;
  assert.ok(served.length >= 4, 'the page, its script, wasm and style were requested');
  for (const request of served) {
    assert.ok(request.path.startsWith(basePath), `${request.path} is under ${basePath}`);
    assert.equal(request.status, 200, `${request.path} was found`);
  }
  assert.ok(served.some((r) => r.path.endsWith('.wasm')), 'the wasm module came from the sub-path');
  assert.ok(served.some((r) => r.path.endsWith('config.json')), 'config.json came from the sub-path');

  // A reload of a deep link under the sub-path finds everything again.
  await page.reload();
  await waitForApp(page);
  await page.locator('[data-testid="step"]').waitFor();
});

test('the built site names no other host', async () => {
  const urlPattern = /(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)/g;
  for (const file of readdirSync(DIST)) {
    if (!/\.(html|css)$/.test(file)) continue;
    const text = readFileSync(join(DIST, file), 'utf8');
    for (const match of text.matchAll(urlPattern)) {
      const url = match[1] ?? match[2];
      assert.ok(!/^(?:[a-z]+:)?\/\//i.test(url), `${file} loads ${url} from another host`);
      assert.ok(!url.startsWith('/'), `${file} uses the root-relative URL ${url}, which breaks under a sub-path`);
    }
  }
  const css = readdirSync(DIST).filter((f) => f.endsWith('.css')).map((f) => readFileSync(join(DIST, f), 'utf8')).join('\n');
  assert.ok(!/@import|@font-face/.test(css), 'the style sheet loads no font or other sheet');
});
