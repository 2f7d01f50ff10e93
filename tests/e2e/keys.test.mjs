// Private keys in the forms that used to slip past the page's blanking: one
// line with `\n` escapes in an Envoy inline_string or a JSON string, one line
// joined by spaces, and a Kubernetes Secret's base64. Each paste must show the
// key notice, and no run of the key's base64 may reach the page or storage.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test } from './lib/harness.mjs';
import { assert, openApp, pasteEvidence, storedEntries } from './lib/page.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
// Throwaway test keys, shared with the engine's tests.
const KEYS = resolve(HERE, '../../crates/engine/tests/fixtures/keys');

function keyFile(name) {
  return readFileSync(resolve(KEYS, name), 'utf8');
}

// Returns 16-character runs of the key's base64 past its ASN.1 header,
// whatever separates the key's lines in `text`.
function keyWindows(text) {
  const start = text.indexOf('PRIVATE KEY-----') + 'PRIVATE KEY-----'.length;
  const end = text.indexOf('-----END', start);
  const body = text.slice(start, end).replaceAll('\\n', '').replace(/[^A-Za-z0-9+/=]/g, '').slice(32);
  const windows = [];
  for (let i = 0; i + 16 <= body.length; i += 8) windows.push(body.slice(i, i + 16));
  return windows;
}

const multiLine = keyFile('ec-key-multiline.pem');
const secret = [
  'apiVersion: v1',
  'kind: Secret',
  'type: kubernetes.io/tls',
  'data:',
  `  tls.key: ${Buffer.from(multiLine).toString('base64')}`,
  'end of secret',
].join('\n');

const PASTES = [
  { name: 'envoy bootstrap', text: keyFile('ec-key-envoy-bootstrap.yaml'), secret: multiLine },
  { name: 'json escaped', text: keyFile('key-json-escaped.json') },
  { name: 'one line', text: keyFile('ec-key-one-line.txt') },
  { name: 'kubernetes secret', text: secret, secret: multiLine, encoded: Buffer.from(multiLine).toString('base64') },
];

for (const paste of PASTES) {
  test(`${paste.name} key is removed`, async ({ server, newPage }) => {
    const page = await newPage();
    await openApp(page, server);
    await pasteEvidence(page, paste.name, paste.text);
    await page.locator('[data-testid="private-key-removed"]').waitFor();

    const windows = keyWindows(paste.secret ?? paste.text);
    if (paste.encoded) windows.push(...keyWindows(`PRIVATE KEY-----${paste.encoded}-----END`));
    assert.ok(windows.length > 4, 'the key has base64 to look for');
    const body = await page.locator('body').innerText();
    const html = await page.content();
    const stored = JSON.stringify(await storedEntries(page));
    for (const window of windows) {
      assert.ok(!body.includes(window), `key text ${window} is shown`);
      assert.ok(!html.includes(window), `key text ${window} is in the DOM`);
      assert.ok(!stored.includes(window), `key text ${window} is stored`);
    }
    assert.ok(!stored.includes('PRIVATE KEY'), 'no private key marker in storage');
  });
}

// The name and host fields are single lines: the browser drops the line
// breaks of a key pasted there, which leaves the key on one line.
test('key in name and host fields is dropped', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  const oneLine = multiLine.replaceAll('\n', '');

  await page.locator('[data-testid="evidence-host"]').fill(oneLine);
  await page.locator('[data-testid="evidence-host"]').press('Tab');
  await page.locator('[data-testid="evidence-name"]').fill(oneLine);
  await page.locator('[data-testid="evidence-input"]').fill('upstream connect error or disconnect/reset before headers');
  await page.locator('[data-testid="evidence-add"]').click();
  await page.locator('[data-testid="evidence-item"]').waitFor();

  assert.deepEqual(await page.locator('[data-testid="evidence-item-name"]').allTextContents(), ['paste 1']);
  assert.equal(await page.locator('[data-testid="evidence-host"]').inputValue(), '', 'the host field was emptied');
  const windows = keyWindows(multiLine);
  const html = await page.content();
  const stored = JSON.stringify(await storedEntries(page));
  for (const window of windows) {
    assert.ok(!html.includes(window), `key text ${window} is in the DOM`);
    assert.ok(!stored.includes(window), `key text ${window} is stored`);
  }

  await page.reload();
  await page.locator('[data-testid="evidence-item"]').waitFor();
  assert.equal(await page.locator('[data-testid="evidence-host"]').inputValue(), '', 'no host came back');
});
