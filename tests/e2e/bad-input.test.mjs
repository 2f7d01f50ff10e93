// Bad input: every row of the engine's bad-input table (empty, binary, truncated
// JSON, 10 MB, 10 000 SANs, deep nesting, HTML, private keys, ...) pasted or
// dropped into the page. Each must give its message with the line it names, run
// no script, leave no private key anywhere, and leave the page working: a good
// paste afterwards still shows its finding, with no error on the console.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test } from './lib/harness.mjs';
import { assert, fixture, openApp, storedEntries } from './lib/page.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'crates/engine/tests/fixtures');
const TABLE = JSON.parse(readFileSync(join(FIXTURES, 'bad_input/cases.json'), 'utf8'));

// Pastes above this size go through the file input.
const PASTE_MAX_BYTES = 8 << 20;
// Playwright's fill types text in through the editor, which takes minutes for
// thousands of lines; above this size the paste sets the value and sends the
// input event, as a paste does.
const FILL_MAX_BYTES = 16 << 10;

// A real /certs dump whose leaf expired in 2020: the paste that shows the page
// still works after a bad one.
const GOOD_PASTE = 'istio-certs-expired.json';
const GOOD_CODE = 'tls-cert-expired';

/** Builds the inputs of a row as the Rust table does: [{ label, bytes, cutLines }]. */
function buildInputs(row) {
  const input = row.input;
  const page = row.page ?? {};
  const single = (bytes) => [{ label: row.name, bytes, cutLines: [] }];
  if (typeof input.text === 'string') return single(Buffer.from(input.text, 'utf8'));
  if (input.file) return single(readFileSync(join(FIXTURES, input.file)));
  if (input.prefixes_of) {
    const bytes = readFileSync(join(FIXTURES, input.prefixes_of));
    return jsonCuts(bytes).map(([at, cutLines]) => ({
      label: `${row.name} cut at byte ${at}`,
      bytes: bytes.subarray(0, at),
      cutLines,
    }));
  }
  if (typeof input.repeat === 'string') {
    const prefix = Buffer.from(input.prefix ?? '', 'utf8');
    const unit = Buffer.from(input.repeat, 'utf8');
    const suffix = Buffer.from(input.suffix ?? '', 'utf8');
    const size = page.bytes ?? input.bytes;
    const count = input.count ?? Math.ceil(Math.max(0, size - prefix.length - suffix.length) / unit.length);
    return single(Buffer.concat([prefix, Buffer.alloc(unit.length * count, unit), suffix]));
  }
  throw new Error(`${row.name}: unknown input ${JSON.stringify(input)}`);
}

/**
 * Returns the cut points of a JSON text "at every nesting depth", like the Rust
 * table: just after the first bracket opening each depth and halfway through the
 * first string at each depth, each with the lines of the brackets left open and
 * its own line.
 */
function jsonCuts(bytes) {
  const cuts = [];
  const open = [];
  const stringDepths = new Set();
  let bracketDepths = 0;
  let line = 1;
  let stringStart = null;
  let escaped = false;
  for (let at = 0; at < bytes.length; at += 1) {
    const byte = String.fromCharCode(bytes[at]);
    if (stringStart !== null) {
      if (escaped) escaped = false;
      else if (byte === '\\') escaped = true;
      else if (byte === '"') {
        const start = stringStart;
        stringStart = null;
        if (at > start + 2 && !stringDepths.has(open.length)) {
          stringDepths.add(open.length);
          cuts.push([start + Math.floor((at - start) / 2), [...open, line]]);
        }
      }
      continue;
    }
    if (byte === '\n') line += 1;
    else if (byte === '"') stringStart = at;
    else if (byte === '{' || byte === '[') {
      open.push(line);
      if (open.length > bracketDepths) {
        bracketDepths = open.length;
        cuts.push([at + 1, [...open, line]]);
      }
    } else if (byte === '}' || byte === ']') open.pop();
  }
  return cuts.sort((a, b) => a[0] - b[0]);
}

function isUtf8(bytes) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

async function pasteText(page, text) {
  const area = page.locator('[data-testid="evidence-input"]');
  if (text.length <= FILL_MAX_BYTES) {
    await area.fill(text);
    return;
  }
  await area.evaluate((element, value) => {
    element.value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

/** Adds one input by paste or through the file input, and returns its list item. */
async function addInput(page, row, source) {
  const items = page.locator('[data-testid="evidence-item"]');
  const before = await items.count();
  const name = row.page?.name ?? source.label;
  const viaFile = row.page?.via === 'file' || source.bytes.length > PASTE_MAX_BYTES || !isUtf8(source.bytes);
  if (viaFile) {
    await page.locator('[data-testid="evidence-file"]').setInputFiles({
      name: `${source.label}.txt`,
      mimeType: 'text/plain',
      buffer: source.bytes,
    });
  } else {
    await page.locator('[data-testid="evidence-name"]').fill(name);
    await pasteText(page, source.bytes.toString('utf8'));
    await page.locator('[data-testid="evidence-add"]').click();
  }
  await items.nth(before).waitFor({ timeout: 60_000 });
  return { item: items.nth(before), name: viaFile ? `${source.label}.txt` : name };
}

async function checkInput(page, row, source, added) {
  const { item, name } = added;
  const label = source.label;
  const warnings = await item.locator('[data-testid="evidence-warnings"] li').allTextContents();
  const expectations = row.page?.expect ?? row.expect;

  for (const expect of expectations) {
    if (expect.warning !== undefined) {
      const lines = expect.line === 'cut' ? source.cutLines : typeof expect.line === 'number' ? [expect.line] : null;
      const found = warnings.some((text) => {
        const at = /^line (\d+)(?:, column (\d+))?: /.exec(text);
        if (!at || !text.includes(expect.warning)) return false;
        if (lines && !lines.includes(Number(at[1]))) return false;
        return expect.column === undefined || Number(at[2]) === expect.column;
      });
      assert.ok(found, `${label}: no warning "${expect.warning}" at line ${expect.line}; shown: ${JSON.stringify(warnings)}`);
    } else if (expect.finding !== undefined) {
      const finding = page.locator(`[data-testid="finding"][data-code="${expect.finding}"]`);
      await finding.first().waitFor({ timeout: 10_000 });
      if (expect.line !== undefined) {
        const quotes = await finding.locator('[data-testid="evidence-line"]').evaluateAll((els) =>
          els.map((el) => ({ input: el.dataset.input, line: Number(el.dataset.line), text: el.querySelector('code').textContent })),
        );
        const quoted = quotes.find((q) => q.input === name && q.line === expect.line);
        assert.ok(quoted, `${label}: ${expect.finding} quotes no line ${expect.line} of ${name}: ${JSON.stringify(quotes)}`);
        if (expect.text !== undefined) {
          assert.ok(quoted.text.includes(expect.text), `${label}: the quote shows "${expect.text}" as text: ${quoted.text}`);
        }
      }
    } else if (expect.detail !== undefined) {
      const text = await page.locator('[data-testid="finding"]').allInnerTexts();
      assert.ok(text.some((t) => t.includes(expect.detail)), `${label}: no finding detail "${expect.detail}"`);
    } else if (expect.notice !== undefined) {
      await item.locator(`[data-testid="${expect.notice}"]`).waitFor({ timeout: 10_000 });
    } else {
      throw new Error(`${label}: unknown expectation ${JSON.stringify(expect)}`);
    }
  }

  if (row.kind) assert.equal(await item.getAttribute('data-kind'), row.kind, `${label}: kind`);
  if (row.page?.name) {
    const shown = await item.locator('[data-testid="evidence-item-name"]').textContent();
    assert.equal(shown, row.page.name, `${label}: the name is shown as text`);
  }
  await checkNothingRanOrKept(page, row);
  if (row.max_output_bytes) {
    const shown = (await page.locator('[data-testid="findings"]').innerText()).length;
    assert.ok(shown <= row.max_output_bytes, `${label}: the findings show ${shown} characters`);
  }
}

/** Checks that no pasted script ran and no secret is shown, stored or in the URL. */
async function checkNothingRanOrKept(page, row) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, `${row.name}: a pasted script ran`);
  const body = await page.locator('body').innerText();
  assert.ok(!/panicked at/.test(body), `${row.name}: the page shows a panic`);
  for (const secret of row.never ?? []) {
    assert.ok(!body.includes(secret), `${row.name}: the page shows the secret`);
    const stored = JSON.stringify(await storedEntries(page));
    const local = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.ok(!stored.includes(secret), `${row.name}: sessionStorage keeps the secret`);
    assert.ok(!local.includes(secret), `${row.name}: localStorage keeps the secret`);
    assert.ok(!decodeURIComponent(page.url()).includes(secret), `${row.name}: the URL carries the secret`);
  }
}

/** Checks that the page still takes a good paste and shows its finding. */
async function checkPageStillWorks(page, row) {
  await checkNothingRanOrKept(page, row);

  const items = page.locator('[data-testid="evidence-item"]');
  const before = await items.count();
  await page.locator('[data-testid="evidence-name"]').fill('good paste');
  await pasteText(page, fixture(GOOD_PASTE));
  await page.locator('[data-testid="evidence-add"]').click();
  await items.nth(before).waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid="finding"][data-code="${GOOD_CODE}"]`).waitFor({ timeout: 30_000 });
}

for (const row of TABLE.cases) {
  test(`${row.name}: ${row.about}`, async ({ server, newPage }) => {
    const page = await newPage();
    await openApp(page, server);
    if (row.host) {
      await page.locator('[data-testid="evidence-host"]').fill(row.host);
      await page.locator('[data-testid="evidence-host"]').press('Enter');
    }
    for (const source of buildInputs(row)) {
      const added = await addInput(page, row, source);
      await checkInput(page, row, source, added);
      // One bad paste at a time: remove it before the next prefix.
      await added.item.locator('[data-testid="evidence-remove"]').click();
      await added.item.waitFor({ state: 'detached' });
    }
    await checkPageStillWorks(page, row);
  });
}

test('the table has at least thirty named cases', async () => {
  const names = TABLE.cases.map((row) => row.name);
  assert.ok(names.length >= 30, `${names.length} cases`);
  assert.equal(new Set(names).size, names.length, 'names are unique');
});
