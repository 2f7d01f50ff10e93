// Redaction before sharing: the conclusion lists every value that the copied
// report and the pre-filled bug report hide, both use the same placeholders,
// and unchecking a value puts it back in what is shared.

import { test } from './lib/harness.mjs';
import {
  assert,
  expectNoAxeViolations,
  fixture,
  openApp,
  pasteEvidence,
  walkToConclusion,
} from './lib/page.mjs';

// An Istio debug log line whose prefix names the pod and whose remote address
// is a private IPv4 address, pasted from a chat client that turned the address
// into a Markdown link.
const LOG = 'multicluster-unknown-ca.log';
const IP = '10.0.29.237';
const POD = 'applicaton-pod-on-gke-cluster';
const TARGET = 'untrusted-ca';

async function redactionItems(page) {
  return page.locator('[data-testid="redaction-item"]').evaluateAll((els) =>
    els.map((el) => ({ original: el.dataset.original, placeholder: el.dataset.placeholder, checked: el.checked })),
  );
}

async function copiedReport(page) {
  const button = page.locator('[data-testid="report-copy"]');
  await button.click();
  await page.locator('[data-testid="report-copy"]', { hasText: 'Copied' }).waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

async function issueLinkText(page) {
  const url = new URL(await page.locator('[data-testid="issue-link"]').getAttribute('href'));
  return `${url.searchParams.get('title')}\n${url.searchParams.get('body')}`;
}

test('shared report and issue link are redacted', async ({ server, newPage }) => {
  const page = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await openApp(page, server);
  await pasteEvidence(page, 'envoy.log', fixture(LOG));
  await page.locator('[data-testid="finding"]').first().waitFor();
  await walkToConclusion(page, TARGET);

  const panel = page.locator('[data-testid="redaction-panel"]');
  assert.equal(await panel.evaluate((el) => el.open), true, 'the panel is open by default');
  const items = await redactionItems(page);
  const ip = items.find((item) => item.original === IP);
  const pod = items.find((item) => item.original === POD);
  assert.ok(ip, `the IP address is listed: ${JSON.stringify(items)}`);
  assert.ok(pod, `the pod name is listed: ${JSON.stringify(items)}`);
  assert.ok(items.every((item) => item.checked), 'every replacement starts checked');
  assert.match(ip.placeholder, /^<ip-\d+>$/);
  assert.match(pod.placeholder, /^<host-\d+>$/);

  const report = await copiedReport(page);
  assert.match(report, /^# TLS diagnosis/);
  assert.ok(!report.includes(IP), 'the copied report hides the IP address');
  assert.ok(!report.includes(POD), 'the copied report hides the pod name');
  assert.ok(report.includes(ip.placeholder), `the copied report shows ${ip.placeholder}`);
  assert.ok(report.includes(pod.placeholder), `the copied report shows ${pod.placeholder}`);

  const issue = await issueLinkText(page);
  assert.ok(!issue.includes(IP), 'the issue link hides the IP address');
  assert.ok(!issue.includes(POD), 'the issue link hides the pod name');
  assert.ok(issue.includes(ip.placeholder), `the issue link shows ${ip.placeholder}`);
  assert.ok(issue.includes(pod.placeholder), `the issue link shows ${pod.placeholder}`);

  await expectNoAxeViolations(page, 'conclusion with the redaction panel open');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page, 'dark conclusion with the redaction panel open');
  await page.emulateMedia({ colorScheme: 'light' });

  // Switched off from the keyboard: the IP comes back, the pod name stays hidden.
  const ipBox = page.locator(`[data-testid="redaction-item"][data-original="${IP}"]`);
  await ipBox.focus();
  await page.keyboard.press('Space');
  assert.equal(await ipBox.isChecked(), false, 'the IP item is unchecked');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.original), IP, 'focus stays on the item');

  const kept = await copiedReport(page);
  assert.ok(kept.includes(IP), 'the copied report shows the IP address once it is unchecked');
  assert.ok(!kept.includes(ip.placeholder), `the copied report no longer shows ${ip.placeholder}`);
  assert.ok(!kept.includes(POD), 'the copied report still hides the pod name');
  const keptIssue = await issueLinkText(page);
  assert.ok(keptIssue.includes(IP), 'the issue link shows the IP address once it is unchecked');
  assert.ok(!keptIssue.includes(POD), 'the issue link still hides the pod name');
});
