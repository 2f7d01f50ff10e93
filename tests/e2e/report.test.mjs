// The conclusion as something to act on. It quotes the evidence lines that show
// the cause, lists what the evidence ruled out and links the documentation. It
// saves the redacted report as Markdown and JSON, pre-fills the issue link, and
// offers the full issue body to copy when the link had to be shortened.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test } from './lib/harness.mjs';
import {
  assert,
  CONFIG,
  docUrl,
  expectNoAxeViolations,
  fixture,
  node,
  openApp,
  pasteEvidence,
  walkToConclusion,
} from './lib/page.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads a real case's paste from the engine's case fixtures. */
function caseFile(folder, name) {
  return readFileSync(resolve(ROOT, 'crates/engine/tests/fixtures/cases', folder, name), 'utf8');
}

// The bug-report template's section headings, in its order.
const SECTIONS = [
  'Summary',
  'Steps to Reproduce',
  'Are you currently working around this issue?',
  'Additional context',
  'Attachments',
];

// Clicks a download control and returns the suggested file name and the content.
async function download(page, testid) {
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-testid="${testid}"]`).click(),
  ]);
  const path = await saved.path();
  return { name: saved.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

// Splits the issue link into its query parameters, decoded.
async function issueLink(page) {
  const href = await page.locator('[data-testid="issue-link"]').getAttribute('href');
  const url = new URL(href);
  return { url, href, params: url.searchParams };
}

function assertSectionsInOrder(body) {
  let from = 0;
  for (const section of SECTIONS) {
    const at = body.indexOf(`**${section}**`, from);
    assert.ok(at >= from, `**${section}** is missing or out of order in:\n${body}`);
    from = at;
  }
}

test('conclusion quotes evidence and lists ruled-out causes', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  const folder = '01-appmesh-app-originates-tls';
  await pasteEvidence(page, 'openssl_s_client.txt', caseFile(folder, 'openssl_s_client.txt'));
  await page.locator('[data-testid="finding"]').first().waitFor();
  const conclusion = await walkToConclusion(page, 'app-originates-tls', 'originating-tls');
  assert.equal(await conclusion.getAttribute('data-code'), 'tls-app-originates-tls');

  // The cause's evidence, each line with its paste name and line number.
  const quoted = conclusion.locator('[data-testid="conclusion-evidence"] [data-testid="evidence-line"]');
  const lines = await quoted.evaluateAll((els) =>
    els.map((el) => ({ input: el.dataset.input, line: Number(el.dataset.line), text: el.textContent })),
  );
  assert.ok(lines.length > 0, 'the conclusion quotes evidence lines');
  const unknownProtocol = lines.find((l) => l.text.includes('unknown protocol'));
  assert.ok(unknownProtocol, `the unknown protocol line is quoted: ${JSON.stringify(lines)}`);
  assert.equal(unknownProtocol.input, 'openssl_s_client.txt');
  assert.equal(unknownProtocol.line, 2);
  assert.ok(unknownProtocol.text.startsWith('openssl_s_client.txt:2'), unknownProtocol.text);

  // Ruled out: every certificate cause, with the reason and the line that shows it.
  const ruledOut = conclusion.locator('[data-testid="conclusion-ruled-out"]');
  const codes = await ruledOut
    .locator('[data-testid="ruled-out-item"]')
    .evaluateAll((els) => els.map((el) => el.dataset.code));
  for (const code of ['tls-untrusted-ca', 'tls-cert-expired', 'tls-san-mismatch']) {
    assert.ok(codes.includes(code), `${code} is ruled out: ${codes}`);
  }
  const reason = await ruledOut.locator('[data-testid="ruled-out-item"]').first().textContent();
  assert.match(reason, /No certificate was exchanged/);
  const reasonLine = ruledOut.locator('[data-testid="ruled-out-item"]').first().locator('[data-testid="evidence-line"]');
  assert.equal(await reasonLine.first().getAttribute('data-line'), '4');

  // The fix steps and the documentation of the tree's conclusion.
  const target = node('app-originates-tls');
  assert.equal(await conclusion.locator('[data-testid="fix"] > li').count(), target.fix.length);
  const hrefs = await conclusion.locator('[data-testid="doc-link"]').evaluateAll((els) => els.map((el) => el.href));
  for (const link of target.links) assert.ok(hrefs.includes(docUrl(link)), `${docUrl(link)} in ${hrefs}`);
  assert.ok(
    hrefs.some((href) => href.endsWith('troubleshooting-security.html#ts-security-originating-tls')),
    'the App Mesh guide section is linked with its anchor',
  );

  // The Markdown download contains the same causes.
  const saved = await download(page, 'report-download');
  assert.equal(saved.name, 'meshtls-report.md');
  assert.match(saved.text, /^# TLS diagnosis\n/);
  assert.match(saved.text, /\n## Ruled out\n\n- `tls-untrusted-ca`, `tls-cert-expired`, `tls-san-mismatch`: /);
  assert.ok(saved.text.includes('openssl_s_client.txt:2: '), 'the download quotes the evidence line');

  await expectNoAxeViolations(page, 'conclusion with ruled-out causes');
});

test('conclusion links the Envoy documentation', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await pasteEvidence(page, 'certs.json', fixture('istio-certs-expired.json'));
  await page.locator('[data-testid="finding"][data-code="tls-cert-expired"]').first().waitFor();
  const conclusion = await walkToConclusion(page, 'cert-expired', 'tls-client-policy');

  const guide = await conclusion.locator('[data-testid="doc-link"]').evaluateAll((els) => els.map((el) => el.href));
  assert.ok(
    guide.some((href) => href.endsWith('troubleshooting-security.html#ts-security-tls-client-policy')),
    `the App Mesh guide anchor is linked: ${guide}`,
  );
  const envoy = await conclusion.locator('[data-testid="finding-link"]').evaluateAll((els) => els.map((el) => el.href));
  assert.ok(
    envoy.includes('https://www.envoyproxy.io/docs/envoy/latest/operations/admin#get--certs'),
    `the Envoy /certs page is linked: ${envoy}`,
  );
  const line = conclusion.locator('[data-testid="conclusion-evidence"] [data-testid="evidence-line"][data-input="certs.json"]');
  assert.ok((await line.count()) > 0, 'the expiry line is quoted with its paste name');
});

test('downloads and issue link are redacted', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  const ip = '10.0.29.237';
  const pod = 'applicaton-pod-on-gke-cluster';
  await pasteEvidence(page, 'envoy.log', fixture('multicluster-unknown-ca.log'));
  await page.locator('[data-testid="finding"]').first().waitFor();
  await walkToConclusion(page, 'untrusted-ca', 'tls-client-policy');

  const markdown = await download(page, 'report-download');
  assert.equal(markdown.name, 'meshtls-report.md');
  assert.match(markdown.text, /^# TLS diagnosis\n\n\*\*Conclusion:\*\* `tls-untrusted-ca`/);
  assert.match(markdown.text, /\n### `tls-untrusted-ca`: /);
  assert.ok(!markdown.text.includes(ip), 'the Markdown download hides the IP address');
  assert.ok(!markdown.text.includes(pod), 'the Markdown download hides the pod name');
  assert.ok(markdown.text.includes('<ip-1>'), 'the Markdown download shows the placeholder');

  const json = await download(page, 'report-download-json');
  assert.equal(json.name, 'meshtls-report.json');
  assert.ok(!json.text.includes(ip), 'the JSON download hides the IP address');
  assert.ok(!json.text.includes(pod), 'the JSON download hides the pod name');
  const report = JSON.parse(json.text);
  for (const key of ['conclusion', 'evidence_conclusion', 'findings', 'inputs', 'walk']) {
    assert.ok(key in report, `the JSON report has ${key}`);
  }
  assert.equal(report.conclusion, 'tls-untrusted-ca');
  assert.equal(report.inputs[0].name, 'envoy.log');
  assert.equal(report.inputs[0].kind, 'envoy-log');
  const finding = report.findings[0];
  for (const field of ['code', 'severity', 'title', 'evidence', 'remediation', 'links']) {
    assert.ok(field in finding, `finding has ${field}`);
  }
  assert.equal(finding.evidence[0].input, 'envoy.log');
  assert.equal(finding.evidence[0].line, 1);

  const { url, href, params } = await issueLink(page);
  assert.equal(`${url.origin}${url.pathname}`, CONFIG.issue_url);
  assert.equal(params.get('template'), 'issue--bug-report.md');
  assert.equal(params.get('labels'), 'Bug');
  assert.equal(params.get('title'), `Bug: ${node('untrusted-ca').title}`);
  const body = params.get('body');
  assertSectionsInOrder(body);
  assert.ok(body.includes('- error `tls-untrusted-ca`: '), body);
  assert.ok(body.includes('envoy.log:1: '), body);
  assert.ok(!href.includes(ip), 'the issue URL hides the IP address');
  assert.ok(!body.includes(ip), 'the issue body hides the IP address');
  assert.ok(!body.includes(pod), 'the issue link hides the pod name');
  assert.equal(await page.locator('[data-testid="issue-body-copy"]').count(), 0, 'a short body needs no copy');
});

test('shortened issue link offers the full body', async ({ server, newPage }) => {
  const page = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await openApp(page, server);
  // 400 verification failures on distinct connections: about 80 kB of quoted
  // lines, ten times what fits in the link.
  const lines = Array.from(
    { length: 400 },
    (_, i) =>
      `[2024-07-24 19:44:18.${String(i).padStart(3, '0')}][1][debug][connection] [source/extensions/transport_sockets/tls/ssl_socket.cc:241] [C${i}] remote address:10.0.7.9:443,TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end`,
  );
  await pasteEvidence(page, 'big.log', `${lines.join('\n')}\n`);
  await page.locator('[data-testid="finding"][data-code="tls-verify-failed"]').first().waitFor();
  await walkToConclusion(page, 'verify-failed-other', 'tls-client-policy');

  const { href, params } = await issueLink(page);
  assert.ok(href.length <= 8000, `the link is ${href.length} bytes`);
  const shortBody = params.get('body');
  assertSectionsInOrder(shortBody);
  assert.ok(shortBody.includes('paste the full issue body'), shortBody);

  const copy = page.locator('[data-testid="issue-body-copy"]');
  await copy.click();
  await page.locator('[data-testid="issue-body-copy"]', { hasText: 'Copied' }).waitFor();
  const full = await page.evaluate(() => navigator.clipboard.readText());
  assertSectionsInOrder(full);
  assert.ok(full.length > shortBody.length, `the full body (${full.length}) is not the short one`);
  assert.ok(!full.includes('shortened to fit'), 'the full body has no shortening note');
  const quoted = (text) => text.split('CERTIFICATE_VERIFY_FAILED').length - 1;
  assert.ok(quoted(full) > quoted(shortBody), 'the full body quotes more lines than the link');
  assert.ok(!full.includes('10.0.7.9'), 'the full body hides the IP address');

  await expectNoAxeViolations(page, 'conclusion with a shortened issue link');
});
