// The failure banner: a Rust panic in the release build (which aborts and
// leaves the wasm instance dead) or a wasm module that fails to load shows a
// banner whose buttons still work, and "Reload, keeping my evidence" brings
// back the pastes and answers.
//
// The panic is real: the page panics when a `meshtls-selftest-panic` event
// reaches the window (src/panic.rs).

import { test } from './lib/harness.mjs';
import {
  assert,
  expectNoAxeViolations,
  fixture,
  node,
  openApp,
  pasteEvidence,
  storedEntries,
  TREE,
  waitForApp,
} from './lib/page.mjs';

const CERTS = 'istio-certs-expired.json';
const SYMPTOM = 'tls-client-policy';
// The console message of the hook, and the trap that the abort leaves.
const PANIC_ERRORS = /self-test panic|unreachable|RuntimeError/;

async function firePanic(page) {
  await page.evaluate(() => window.dispatchEvent(new CustomEvent('meshtls-selftest-panic')));
  await page.locator('[data-testid="panic-banner"]').waitFor({ timeout: 10_000 });
}

async function itemNames(page) {
  return page.locator('[data-testid="evidence-item-name"]').allTextContents();
}

// Pastes a fixture, chooses the symptom and answers its first step.
async function prepareWalk(page) {
  await pasteEvidence(page, CERTS, fixture(CERTS));
  await page.locator(`[data-testid="symptom-${SYMPTOM}"]`).click();
  const first = node(TREE.symptoms.find((s) => s.id === SYMPTOM).start);
  await page.locator(`[data-testid="step"][data-step-id="${first.id}"]`).waitFor();
  const answer = first.answers[first.answers.length - 1];
  await page.locator(`[data-testid="answer"][data-answer="${answer.id}"]`).click();
  const answered = page.locator(`[data-testid="path-step"][data-step-id="${first.id}"]`, { hasText: answer.label });
  await answered.waitFor();
  return { step: first.id, answer };
}

test('panic banner reload keeps evidence and answers', async ({ server, newPage, expectConsoleErrors }) => {
  const page = await newPage();
  await openApp(page, server);
  const { step, answer } = await prepareWalk(page);
  const hashBefore = new URL(page.url()).hash;

  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  expectConsoleErrors(PANIC_ERRORS);
  await firePanic(page);

  assert.ok(
    consoleErrors.some((text) => /panicked at .*self-test panic/s.test(text)),
    `the hook logs the panic to the console: ${JSON.stringify(consoleErrors)}`,
  );
  const banners = page.locator('[data-testid="panic-banner"]');
  assert.equal(await banners.count(), 1, 'one banner, though both the hook and the trap report the panic');
  assert.equal(await banners.getAttribute('role'), 'alert');
  assert.equal(await banners.getAttribute('data-reported-by'), 'panic-hook', 'the Rust hook drew the banner');
  assert.match(await banners.innerText(), /evidence and your answers are kept/);
  assert.equal(
    await page.evaluate(() => document.activeElement?.dataset.testid),
    'panic-reset',
    'the reload button has the focus',
  );
  assert.equal(await page.locator('.workspace').getAttribute('inert'), '', 'the dead wizard is inert');
  assert.equal(await page.locator('[data-testid="clear-everything"]').getAttribute('inert'), '');
  await expectNoAxeViolations(page, 'panic banner');

  // The wizard's own controls are dead: its handlers were wasm code.
  await page.locator('[data-testid="panic-reset"]').click();
  await waitForApp(page);
  await page.locator('[data-testid="evidence-item"]').first().waitFor();
  assert.equal(await page.locator('[data-testid="panic-banner"]').count(), 0, 'the reloaded page has no banner');
  assert.deepEqual(await itemNames(page), [CERTS]);
  assert.equal(new URL(page.url()).hash, hashBefore, 'the walk stays in the URL');
  await page.locator(`[data-testid="path-step"][data-step-id="${step}"]`, { hasText: answer.label }).waitFor();
});

test('panic banner flags an error after reload', async ({ server, newPage, expectConsoleErrors }) => {
  const page = await newPage();
  await openApp(page, server);
  await prepareWalk(page);
  expectConsoleErrors(PANIC_ERRORS);

  await firePanic(page);
  assert.equal(await page.locator('[data-testid="panic-repeat"]').count(), 0, 'a first panic is no repeat');

  // The restored page panics before the person clicks or types anything.
  await page.locator('[data-testid="panic-reset"]').click();
  await waitForApp(page);
  await firePanic(page);
  await page.locator('[data-testid="panic-banner"] [data-testid="panic-repeat"]').waitFor();
  await expectNoAxeViolations(page, 'repeated panic banner');

  // After a click in the restored page, a later panic is not one that came back at once.
  await page.locator('[data-testid="panic-reset"]').click();
  await waitForApp(page);
  await page.locator('[data-testid="evidence-input"]').click();
  await firePanic(page);
  assert.equal(await page.locator('[data-testid="panic-repeat"]').count(), 0, 'no repeat after an interaction');
});

test('panic banner start over forgets everything', async ({ server, newPage, expectConsoleErrors }) => {
  const page = await newPage();
  await openApp(page, server);
  await prepareWalk(page);
  // A key of another page of the same origin, which start over must keep.
  await page.evaluate(() => sessionStorage.setItem('portal.session', 'kept'));

  expectConsoleErrors(PANIC_ERRORS);
  await firePanic(page);
  await page.locator('[data-testid="panic-start-over"]').click();
  await waitForApp(page);

  assert.equal(await page.locator('[data-testid="evidence-item"]').count(), 0);
  assert.equal(await page.locator('[data-testid="step"]').count(), 0);
  assert.equal(new URL(page.url()).hash, '');
  const stored = await storedEntries(page);
  assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('meshtls')), [], 'no meshtls key is stored');
  assert.equal(stored['portal.session'], 'kept', 'other keys of the origin stay');
});

test('failed wasm load shows the banner', async ({ server, newPage, expectConsoleErrors }) => {
  // A service worker would serve the second load from its cache, which the
  // route below does not see.
  const page = await newPage({ serviceWorkers: 'block' });
  await openApp(page, server);
  await pasteEvidence(page, CERTS, fixture(CERTS));

  // The second load cannot fetch the module, as on a proxy that blocks .wasm.
  await page.route('**/*.wasm', (route) => route.abort());
  expectConsoleErrors(/failed to start|wasm|Failed to load|ERR_FAILED/i);
  await page.reload();
  const banner = page.locator('[data-testid="panic-banner"]');
  await banner.waitFor({ timeout: 30_000 });
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.match(await banner.innerText(), /could not start/);
  assert.equal(await banner.getAttribute('data-reported-by'), 'boot.js');
  await expectNoAxeViolations(page, 'load failure banner');

  await page.unroute('**/*.wasm');
  await page.locator('[data-testid="panic-reset"]').click();
  await waitForApp(page);
  await page.locator('[data-testid="evidence-item"]').first().waitFor();
  assert.deepEqual(await itemNames(page), [CERTS]);
});
