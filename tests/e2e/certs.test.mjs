// Certificates on the page. Each case of fixtures/certs/cases.json gives
// exactly its certificate codes, and crates/cli/tests/certs.rs checks the same
// table against `meshtls diagnose`. The chain picture marks the broken link,
// the details list every field, a pasted private key appears nowhere, and the
// certificate view passes axe in both themes.
//
// The page's clock is fixed at the table's `now`, because the generated
// certificates have fixed dates and the page reads the time from the browser.

import { test } from './lib/harness.mjs';
import {
  assert,
  expectNoAxeViolations,
  findingCodes,
  fixture,
  openApp,
  pasteEvidence,
  pathTo,
  waitForApp,
  walk,
} from './lib/page.mjs';

const TABLE = JSON.parse(fixture('certs/cases.json'));
const CERTIFICATE_CODES = new Set(TABLE.certificate_codes);
const NOW = new Date(TABLE.now);

/** Opens the page with its clock fixed at the table's time. */
async function openAtTableTime(page, server) {
  await page.clock.setFixedTime(NOW);
  await openApp(page, server);
}

/** Pastes every file of a case, marking the bundle files as the trust bundle. */
async function pasteCase(page, entry) {
  if (entry.symptom) {
    await page.locator(`[data-testid="symptom-${entry.symptom}"]`).click();
  }
  if (entry.host) {
    const host = page.locator('[data-testid="evidence-host"]');
    await host.fill(entry.host);
    await host.dispatchEvent('change');
  }
  for (const file of entry.bundle ?? []) {
    await pasteEvidence(page, file, fixture(`certs/${file}`));
    const toggle = page.locator(`[data-testid="trust-bundle-toggle"][data-paste="${file}"]`);
    await toggle.check();
    assert.equal(await toggle.isChecked(), true, `${file} is marked as the trust bundle`);
  }
  for (const file of entry.evidence) {
    await pasteEvidence(page, file, fixture(`certs/${file}`));
  }
  await page.locator('[data-testid="cert-chain"]').first().waitFor();
}

/** Returns the certificate codes among the findings shown, sorted and distinct. */
async function certificateCodes(page) {
  const codes = await findingCodes(page);
  return [...new Set(codes.filter((code) => CERTIFICATE_CODES.has(code)))].sort();
}

/**
 * Waits until the page shows exactly `expected` certificate codes, since the
 * diagnosis reruns after each paste and mark, and fails with what it shows.
 */
async function expectCertificateCodes(page, expected, name) {
  const expectedCodes = [...new Set(expected)].sort();
  let shownCodes = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    shownCodes = await certificateCodes(page);
    if (JSON.stringify(shownCodes) === JSON.stringify(expectedCodes)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(shownCodes, expectedCodes, `${name}: certificate codes shown`);
}

/** Returns the `data-status` of every link of each chain drawn. */
async function chainStatuses(page) {
  return page.locator('[data-testid="cert-chain"]').evaluateAll((chains) =>
    chains.map((chain) =>
      [...chain.querySelectorAll('[data-testid="chain-link"]')].map((link) => link.dataset.status),
    ),
  );
}

for (const entry of TABLE.cases) {
  test(`case: ${entry.name}`, async ({ server, newPage }) => {
    const page = await newPage();
    await openAtTableTime(page, server);
    await pasteCase(page, entry);
    await expectCertificateCodes(page, entry.expected, entry.name);

    const trust = await page.locator('[data-testid="trust-origin"]').textContent();
    assert.match(trust, /trust bundle you marked/, `${entry.name}: the marked bundle is named`);
    const bars = await page.locator('[data-testid="validity-bar"]').count();
    const links = await page.locator('[data-testid="chain-link"]').count();
    assert.equal(bars, links, `${entry.name}: every certificate of a chain has a validity bar`);
  });
}

test('untrusted chain marks its broken link', async ({ server, newPage }) => {
  const page = await newPage();
  await openAtTableTime(page, server);
  await pasteCase(page, TABLE.cases.find((entry) => entry.name === 'untrusted CA'));

  assert.deepEqual(await chainStatuses(page), [['verified', 'issuer-not-found']]);
  const chain = page.locator('[data-testid="cert-chain"]');
  assert.equal(await chain.getAttribute('data-trusted'), 'false');
  const caption = await chain.locator('figcaption').textContent();
  assert.match(caption, /^Broken chain 1: /);
  assert.match(caption, /breaks at depth 1 \(Other Intermediate CA\)/);
  const broken = page.locator('[data-testid="chain-link"][data-status="issuer-not-found"]');
  assert.match(await broken.textContent(), /broken: issuer O=Other Org, CN=Other Root CA is neither pasted nor in the trust bundle/);
  assert.equal(await broken.locator('.link-status code').textContent(), 'O=Other Org, CN=Other Root CA');
  const color = await broken.locator('.link-status').evaluate((el) => getComputedStyle(el).color);
  const plain = await page
    .locator('[data-testid="chain-link"][data-status="verified"] .link-status')
    .evaluate((el) => getComputedStyle(el).color);
  assert.notEqual(color, plain, 'the broken link is drawn in another color as well as named');
});

test('valid chain drawn leaf to root', async ({ server, newPage }) => {
  const page = await newPage();
  await openAtTableTime(page, server);
  await pasteCase(page, TABLE.cases.find((entry) => entry.name === 'valid chain'));

  assert.deepEqual(await chainStatuses(page), [['verified', 'verified', 'trust-anchor']]);
  const names = await page
    .locator('[data-testid="chain-link"] strong')
    .evaluateAll((els) => els.map((el) => el.textContent));
  assert.deepEqual(names, ['web.apps.local', 'Mesh Intermediate CA', 'Mesh Root CA']);
  const states = await page
    .locator('[data-testid="validity-bar"]')
    .evaluateAll((els) => els.map((el) => el.dataset.state));
  assert.deepEqual(states, ['valid', 'valid', 'valid']);
  // The leaf's bar (2026-01-01 to 2027-01-01) contains today's line (2026-06-01).
  const [bar, today] = await page.locator('[data-testid="chain-link"]').first().evaluate((link) => {
    const rect = link.querySelector('[data-testid="validity-bar"]').getBBox();
    const line = link.querySelector('.validity-today');
    return [{ start: rect.x, end: rect.x + rect.width }, Number(line.getAttribute('x1'))];
  });
  assert.ok(bar.start < today, `today ${today} is after the start of the leaf's bar ${bar.start}`);
  assert.ok(today < bar.end, `today ${today} is before the end of the leaf's bar ${bar.end}`);
  assert.match(await page.locator('[data-testid="time-axis"]').textContent(), /today 2026-06-01/);
});

test('certificate details listed', async ({ server, newPage }) => {
  const page = await newPage();
  await openAtTableTime(page, server);
  await pasteCase(page, TABLE.cases.find((entry) => entry.name === 'valid chain'));

  const certs = page.locator('[data-testid="cert"]');
  assert.equal(await certs.count(), 3, 'the leaf, the intermediate and the marked root');
  const leaf = certs.first();
  await leaf.locator('summary').click();
  const fields = await leaf.locator('dl').evaluate((dl) => {
    const terms = [...dl.querySelectorAll('dt')].map((dt) => dt.textContent);
    const values = [...dl.querySelectorAll('dd')].map((dd) => dd.textContent);
    return Object.fromEntries(terms.map((term, index) => [term, values[index]]));
  });
  assert.equal(fields['Pasted in'], 'chain-good.pem, line 1');
  assert.equal(fields.Subject, 'O=Example Mesh, CN=web.apps.local');
  assert.equal(fields.Issuer, 'O=Example Mesh, CN=Mesh Intermediate CA');
  assert.match(fields['Serial number'], /^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
  assert.match(fields['Subject alternative names'], /DNS: web\.apps\.local/);
  assert.match(fields['Subject alternative names'], /URI \(SPIFFE ID\): spiffe:\/\/apps\.local\/ns\/default\/sa\/web/);
  assert.match(fields['Subject alternative names'], /IP: 10\.0\.0\.1/);
  assert.equal(fields.Validity, '2026-01-01 00:00:00 UTC to 2027-01-01 00:00:00 UTC (valid)');
  assert.equal(fields.Key, 'ECDSA P-256');
  assert.equal(fields['Key usage'], 'digitalSignature, keyEncipherment');
  assert.equal(fields['Extended key usage'], 'serverAuth, clientAuth');
  assert.equal(fields['Basic constraints'], 'CA:FALSE');
  assert.match(fields['SHA-256 fingerprint'], /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);

  const root = certs.last();
  await root.locator('summary').click();
  assert.match(await root.locator('dl').textContent(), /trust bundle: root-ca\.pem, line 1/);
});

test('trust bundle mark survives a reload', async ({ server, newPage }) => {
  const page = await newPage();
  await openAtTableTime(page, server);
  await pasteCase(page, TABLE.cases.find((entry) => entry.name === 'client policy CA not a root'));
  await expectCertificateCodes(page, ['tls-client-policy-ca-not-root'], 'before the reload');

  await page.reload();
  await waitForApp(page);
  await page.locator('[data-testid="cert-chain"]').first().waitFor();
  const toggle = page.locator('[data-testid="trust-bundle-toggle"][data-paste="intermediate-ca.pem"]');
  assert.equal(await toggle.isChecked(), true, 'the mark is restored');
  await expectCertificateCodes(page, ['tls-client-policy-ca-not-root'], 'after the reload');

  await toggle.uncheck();
  assert.match(
    await page.locator('[data-testid="trust-origin"]').textContent(),
    /No trust bundle was marked/,
    'without the mark, the page says where the trust bundle comes from',
  );
});

test('large CA bundle shown 20 at a time', async ({ server, newPage }) => {
  const page = await newPage();
  await openAtTableTime(page, server);
  await pasteEvidence(page, 'many-roots.pem', fixture('certs/many-roots.pem'));
  await page.locator('[data-testid="cert-chain"]').first().waitFor();
  assert.equal(await page.locator('[data-testid="cert-chain"]').count(), 20);
  assert.equal(await page.locator('[data-testid="cert"]').count(), 20);

  const more = page.locator('[data-testid="certs-more"]');
  assert.equal(await more.textContent(), 'Show all 25 chains and 25 certificates');
  await more.click();
  await page.locator('[data-testid="cert-chain"]').nth(24).waitFor();
  assert.equal(await page.locator('[data-testid="cert-chain"]').count(), 25);
  assert.equal(await page.locator('[data-testid="cert"]').count(), 25);
  assert.equal(await more.count(), 0, 'the button goes once everything is shown');
});

/** Returns the base64 lines of the private key blocks of a PEM text. */
function keyLines(text) {
  const lines = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('-----BEGIN')) inside = line.includes('PRIVATE KEY');
    else if (line.startsWith('-----END')) inside = false;
    else if (inside && line.length >= 16 && !line.includes(':')) lines.push(line);
  }
  return lines;
}

/** Fails if any key line is in the DOM, the URL or either storage of the page. */
async function expectNoKeyLines(page, lines, when) {
  const places = await page.evaluate(() => ({
    dom: document.documentElement.outerHTML,
    url: location.href,
    session: JSON.stringify(Object.entries(sessionStorage)),
    local: JSON.stringify(Object.entries(localStorage)),
  }));
  for (const [place, text] of Object.entries(places)) {
    const leaked = lines.filter((line) => text.includes(line));
    assert.deepEqual(leaked, [], `${when}: the ${place} holds no line of the private key`);
  }
}

test('pasted private key appears nowhere', async ({ server, newPage }) => {
  const page = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  const file = 'keys-with-certificate.pem';
  const lines = keyLines(fixture(`certs/${file}`));
  assert.ok(lines.length > 20, 'the fixture holds four private keys');

  await openAtTableTime(page, server);
  await page.locator('[data-testid="symptom-tls-client-policy"]').click();
  await walk(page, pathTo('tls-client-policy', 'untrusted-ca'));
  await pasteEvidence(page, file, fixture(`certs/${file}`));
  await page.locator('[data-testid="finding"][data-code="tls-private-key-pasted"]').first().waitFor();
  await page.locator('[data-testid="cert-chain"]').first().waitFor();
  await expectNoKeyLines(page, lines, 'after the paste');

  await page.locator('[data-testid="report-copy"]').click();
  await page.locator('[data-testid="report-copy"]', { hasText: 'Copied' }).waitFor();
  const report = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(report, /tls-private-key-pasted/, 'the report names the pasted key');
  assert.deepEqual(lines.filter((line) => report.includes(line)), [], 'the report holds no line of the key');

  await page.reload();
  await waitForApp(page);
  await page.locator(`[data-testid="evidence-item-name"]:text-is("${file}")`).waitFor();
  await expectNoKeyLines(page, lines, 'after a reload');
});

for (const colorScheme of ['light', 'dark']) {
  test(`certificate view passes axe in the ${colorScheme} theme`, async ({ server, newPage }) => {
    const page = await newPage({ colorScheme });
    await openAtTableTime(page, server);
    await pasteCase(page, TABLE.cases.find((entry) => entry.name === 'untrusted CA'));
    await pasteEvidence(page, 'leaf-expired.pem', fixture('certs/leaf-expired.pem'));
    await pasteEvidence(page, 'leaf-expiring-soon.pem', fixture('certs/leaf-expiring-soon.pem'));
    for (const summary of await page.locator('[data-testid="cert"] summary').all()) {
      await summary.click();
    }
    await expectNoAxeViolations(page, `${colorScheme} certificates`);
  });
}
