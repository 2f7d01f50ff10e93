// Reflow at 320 CSS pixels (WCAG 2.2 success criterion 1.4.10): on a phone,
// or at 400 % zoom, no screen of the wizard scrolls sideways. axe-core does
// not check this, so the test measures the layout itself.

import { test } from './lib/harness.mjs';
import {
  assert,
  fixture,
  openApp,
  pasteEvidence,
  pathTo,
  walk,
} from './lib/page.mjs';

const WIDTH = 320;

// Lists the elements whose right edge passes the viewport, widest first, so
// a failure names what to fix.
async function expectNoSidewaysScroll(page, screen) {
  const result = await page.evaluate((width) => {
    const overflowing = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 1) continue;
      // An element inside a scrolling box (a code block) or a clipped hidden
      // one may be wide.
      if (element.closest('pre, .scroll-x, .visually-hidden')) continue;
      const id = element.dataset.testid ? `[data-testid=${element.dataset.testid}]` : '';
      const name = `${element.tagName.toLowerCase()}${id}.${[...element.classList].join('.')}`;
      overflowing.push({ name, right: Math.round(box.right) });
    }
    overflowing.sort((a, b) => b.right - a.right);
    return { scrollWidth: document.documentElement.scrollWidth, overflowing: overflowing.slice(0, 8) };
  }, WIDTH);
  assert.ok(
    result.scrollWidth <= WIDTH,
    `${screen}: the page is ${result.scrollWidth} px wide at ${WIDTH} px: ${JSON.stringify(result.overflowing)}`,
  );
}

test('every screen fits 320 px', async ({ server, newPage }) => {
  const page = await newPage({ viewport: { width: WIDTH, height: 720 } });
  await openApp(page, server);
  await expectNoSidewaysScroll(page, 'start');

  await pasteEvidence(page, 'stats.txt', fixture('istio-cluster-tls-stats.txt'));
  await pasteEvidence(page, 'envoy.log', fixture('multicluster-unknown-ca.log'));
  await pasteEvidence(page, 'certs.json', fixture('istio-certs-expired.json'));
  await page.locator('[data-testid="finding"]').first().waitFor();
  await expectNoSidewaysScroll(page, 'findings');

  // Without evidence, every step of the walk waits for the person.
  await page.locator('[data-testid="clear-everything"]').click();
  await page.locator('[data-testid="evidence-item"]').waitFor({ state: 'detached' });
  await page.locator('[data-testid="symptom-tls-elb"]').click();
  await walk(page, pathTo('tls-elb', 'nlb-health-check-protocol'));
  await page.locator('[data-testid="conclusion"]').waitFor();
  await expectNoSidewaysScroll(page, 'conclusion');
});

test('text in other scripts wraps', async ({ server, newPage }) => {
  const page = await newPage({ viewport: { width: WIDTH, height: 720 } });
  await openApp(page, server);
  const long = 'верификация_сертификата_не_удалась_'.repeat(8) + '証明書の検証に失敗しました'.repeat(6);
  await pasteEvidence(page, `${'very-long-file-name-'.repeat(6)}.txt`, `${long}\n${'x'.repeat(2000)}\n`);
  await page.locator('[data-testid="evidence-item"]').waitFor();
  await expectNoSidewaysScroll(page, 'odd paste');
});

// At 1280 px, with a symptom chosen, the findings sit in a column about 430 px
// wide. A paste name beside each quoted line took two thirds of it, so the
// line broke every 12 characters. The name now goes above the line.
test('quoted lines keep the width at 1280 px', async ({ server, newPage }) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } });
  await openApp(page, server);
  await pasteEvidence(page, 'istio-cluster-tls-stats.txt', fixture('istio-cluster-tls-stats.txt'));
  await page.locator('[data-testid="finding"][data-code="tls-in-use"]').first().waitFor();
  await page.locator('[data-testid="symptom-tls-client-policy"]').click();
  await page.locator('[data-testid="step"]').waitFor();

  const lines = await page.locator('[data-testid="evidence-line"]').evaluateAll((elements) =>
    elements
      .filter((line) => line.getBoundingClientRect().width > 0)
      .map((line) => ({
        line: Math.round(line.getBoundingClientRect().width),
        code: Math.round(line.querySelector('code').getBoundingClientRect().width),
        reference: line.querySelector('.line-ref').textContent,
      })),
  );
  assert.ok(lines.length > 0, 'the findings quote evidence lines');
  for (const { line, code, reference } of lines) {
    assert.ok(code >= line * 0.9, `${reference}: the quoted text is ${code} px of the line's ${line} px`);
  }
});
