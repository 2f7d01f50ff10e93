// Walks every symptom to a conclusion by clicking, and checks what the
// conclusion shows: its finding code, cause, fix, documentation links with
// their exact anchors, and escalation links.

import { test } from './lib/harness.mjs';
import {
  assert,
  CONFIG,
  docUrl,
  expectNoAxeViolations,
  expectFocus,
  node,
  openApp,
  pathTo,
  shown,
  walk,
} from './lib/page.mjs';

const USER_GUIDE = 'https://docs.aws.amazon.com/app-mesh/latest/userguide/';

// One documented conclusion per symptom: the finding code the contract gives
// it, and the user guide section that documents the symptom.
const WALKS = [
  {
    symptom: 'tls-client-policy',
    conclusion: 'untrusted-ca',
    code: 'tls-untrusted-ca',
    mustLink: `${USER_GUIDE}troubleshooting-security.html#ts-security-tls-client-policy`,
  },
  {
    symptom: 'originating-tls',
    conclusion: 'app-originates-tls',
    code: 'tls-app-originates-tls',
    mustLink: `${USER_GUIDE}troubleshooting-security.html#ts-security-originating-tls`,
  },
  {
    symptom: 'tls-between-proxies',
    conclusion: 'tls-between-proxies-confirmed',
    code: 'tls-in-use',
    mustLink: `${USER_GUIDE}troubleshooting-security.html#ts-security-tls-between-proxies`,
  },
  {
    symptom: 'tls-elb',
    conclusion: 'alb-target-protocol',
    code: 'elb-target-protocol',
    mustLink: `${USER_GUIDE}troubleshooting-security.html#ts-security-tls-elb`,
  },
];

for (const expected of WALKS) {
  test(`${expected.symptom} walks to ${expected.code}`, async ({ server, newPage }) => {
    const page = await newPage();
    await openApp(page, server);
    await expectNoAxeViolations(page, 'symptom choice');

    await page.locator(`[data-testid="symptom-${expected.symptom}"]`).click();
    assert.equal(
      await page.locator(`[data-testid="symptom-${expected.symptom}"]`).getAttribute('aria-pressed'),
      'true',
    );
    const path = pathTo(expected.symptom, expected.conclusion);
    assert.ok(path.length > 0, 'the conclusion is at least one step away');
    await walk(page, path);

    const conclusion = page.locator('[data-testid="conclusion"]');
    await conclusion.waitFor();
    assert.equal(await conclusion.getAttribute('data-code'), expected.code);
    assert.equal(await conclusion.getAttribute('data-conclusion-id'), expected.conclusion);
    await expectFocus(page, 'current-heading', 'focus moves to the conclusion heading');

    const data = node(expected.conclusion);
    assert.equal((await conclusion.locator('[data-testid="cause"]').textContent()).trim(), shown(data.cause));
    assert.equal(await conclusion.locator('[data-testid="fix"] > li').count(), data.fix.length);

    const hrefs = await conclusion
      .locator('[data-testid="doc-link"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, data.links.map(docUrl), 'documentation links follow the tree and config.json');
    assert.ok(hrefs.includes(expected.mustLink), `links include ${expected.mustLink}: ${hrefs.join(', ')}`);
    for (const href of hrefs) {
      const url = new URL(href);
      assert.equal(url.protocol, 'https:', `${href} uses https`);
    }

    await checkEscalation(conclusion, data);
    await expectNoAxeViolations(page, `${expected.code} conclusion`);

    // The path so far lists every answered step, in order.
    const pathIds = await page
      .locator('[data-testid="path-step"]')
      .evaluateAll((items) => items.map((li) => li.dataset.stepId));
    assert.deepEqual(pathIds, path.map((p) => p.step));
  });
}

test('conclusion without a finding code uses its id', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  const target = 'admin-interface-unreachable';
  assert.equal(node(target).finding_code ?? null, null, 'the tree gives this conclusion no code');
  await page.locator('[data-testid="symptom-tls-client-policy"]').click();
  await walk(page, pathTo('tls-client-policy', target));
  const conclusion = page.locator('[data-testid="conclusion"]');
  await conclusion.waitFor();
  assert.equal(await conclusion.getAttribute('data-code'), target);
  await expectNoAxeViolations(page, `${target} conclusion`);
});

async function checkEscalation(conclusion, data) {
  if (data.escalation.includes('bug-report')) {
    const issue = new URL(await conclusion.locator('[data-testid="issue-link"]').getAttribute('href'));
    assert.equal(`${issue.origin}${issue.pathname}`, CONFIG.issue_url);
    assert.equal(issue.searchParams.get('template'), CONFIG.issue_template);
    assert.equal(issue.searchParams.get('labels'), CONFIG.issue_labels);
    assert.equal(issue.searchParams.get('title'), `Bug: ${data.title}`);
    assert.ok((issue.searchParams.get('body') ?? '').includes(data.cause), 'the issue body gives the cause as the tree writes it');
  }
  if (data.escalation.includes('aws-support')) {
    const support = conclusion.locator('[data-testid="escalation-support"]');
    assert.equal(await support.getAttribute('href'), CONFIG.support_url);
  }
  if (data.escalation.includes('vulnerability-report')) {
    const report = conclusion.locator('[data-testid="escalation-vulnerability"]');
    assert.equal(await report.getAttribute('href'), CONFIG.vulnerability_reporting_url);
  }
}
