// Accessibility in both color themes: axe-core finds no violation (contrast
// included) on the screens a walk passes through, the themes really differ,
// and changes are announced to screen readers.

import { test } from './lib/harness.mjs';
import {
  assert,
  expectNoAxeViolations,
  fixture,
  openApp,
  pasteEvidence,
  pathTo,
  walk,
} from './lib/page.mjs';

for (const colorScheme of ['light', 'dark']) {
  test(`every screen passes axe in the ${colorScheme} theme`, async ({ server, newPage }) => {
    const page = await newPage({ colorScheme });
    await openApp(page, server);
    await expectNoAxeViolations(page, `${colorScheme} start`);

    await page.locator('[data-testid="symptom-tls-between-proxies"]').click();
    await page.locator('[data-testid="step"]').waitFor();
    await expectNoAxeViolations(page, `${colorScheme} first step`);

    await pasteEvidence(page, 'certs.json', fixture('istio-certs-expired.json'));
    await pasteEvidence(page, 'stats.txt', fixture('contour-healthy-tls-stats.txt'));
    await pasteEvidence(page, 'broken.json', '{"certificates": [ {"cert_chain": [ # cut here');
    await page.locator('[data-testid="evidence-warnings"]').first().waitFor();
    await expectNoAxeViolations(page, `${colorScheme} findings and warnings`);

    // Without evidence, every step of the walk waits for the person.
    await page.locator('[data-testid="clear-everything"]').click();
    await page.locator('[data-testid="evidence-item"]').waitFor({ state: 'detached' });
    await page.locator('[data-testid="symptom-tls-elb"]').click();
    await walk(page, pathTo('tls-elb', 'nlb-health-check-protocol'));
    await page.locator('[data-testid="conclusion"]').waitFor();
    await expectNoAxeViolations(page, `${colorScheme} conclusion`);
  });
}

test('light and dark themes differ', async ({ server, newPage }) => {
  const colors = {};
  for (const colorScheme of ['light', 'dark']) {
    const page = await newPage({ colorScheme });
    await openApp(page, server);
    colors[colorScheme] = await page.evaluate(() => {
      const style = getComputedStyle(document.documentElement);
      return { background: style.backgroundColor, text: style.color };
    });
  }
  assert.notEqual(colors.light.background, colors.dark.background);
  assert.notEqual(colors.light.text, colors.dark.text);
});

test('findings are announced in a live region', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  const region = page.locator('[data-testid="announcer"]');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  assert.equal(await region.getAttribute('role'), 'status');
  await pasteEvidence(page, 'envoy.log', fixture('multicluster-unknown-ca.log'));
  await page.locator('[data-testid="finding"]').first().waitFor();
  const announced = await region.textContent();
  const title = await page.locator('[data-testid="finding"] h3').first().textContent();
  assert.match(announced, /finding/);
  assert.ok(announced.includes(title.replace(/^(error|warning|info)\s*/, '').trim()), `"${announced}" names "${title}"`);
});
