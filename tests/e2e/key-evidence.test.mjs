// The private key finding quotes the lines the page blanked, never the key,
// and a paste that held only a key gets no warning that it was empty.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test } from './lib/harness.mjs';
import { assert, openApp, pasteEvidence } from './lib/page.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
// A throwaway test key, shared with the engine's tests.
const KEY = readFileSync(resolve(HERE, '../../crates/engine/tests/fixtures/keys/ec-key-multiline.pem'), 'utf8');
const KEY_LINES = KEY.trimEnd().split('\n').length;

test('key finding quotes the blanked lines', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await pasteEvidence(page, 'keys.txt', `before\n${KEY}after\n`);
  const finding = page.locator('[data-testid="finding"][data-code="tls-private-key-pasted"]');
  await finding.waitFor();
  const lines = await finding.locator('[data-testid="evidence-line"]').allInnerTexts();
  assert.equal(lines.length, 1, `one evidence line: ${JSON.stringify(lines)}`);
  assert.match(lines[0], new RegExp(`keys\\.txt:2\\s+lines 2-${KEY_LINES + 1}: private key, blanked`));
  assert.ok(!(await page.content()).includes('PRIVATE KEY-----'), 'no key marker in the page');
});

test('key-only paste has no warnings', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  // A text area turns CRLF into LF, so the CRLF key comes as a file.
  await pasteEvidence(page, 'key.pem', KEY);
  await page.locator('[data-testid="evidence-file"]').setInputFiles({
    name: 'key-crlf.pem',
    mimeType: 'application/x-pem-file',
    buffer: Buffer.from(KEY.replaceAll('\n', '\r\n')),
  });
  for (const name of ['key.pem', 'key-crlf.pem']) {
    const item = page.locator('[data-testid="evidence-item"]').filter({ hasText: name });
    await item.locator('[data-testid="private-key-removed"]').waitFor();
    assert.equal(await item.locator('[data-testid="evidence-warnings"]').count(), 0, `${name}: no warnings`);
  }
});
