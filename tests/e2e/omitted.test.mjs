// Omitted evidence: the engine quotes at most 20 lines per finding and counts
// the rest. The finding card and the conclusion show how many lines were left
// out, under the quoted ones.

import { test } from './lib/harness.mjs';
import { assert, openApp, pasteEvidence, walkToConclusion } from './lib/page.mjs';

// The engine's limit of quoted lines per finding (`MAX_EVIDENCE_LINES`).
const QUOTED = 20;

// `count` verification failures on distinct connections, one per line.
function failures(count) {
  const lines = Array.from(
    { length: count },
    (_, i) =>
      `[2024-07-24 19:44:18.${String(i).padStart(3, '0')}][1][debug][connection] [source/extensions/transport_sockets/tls/ssl_socket.cc:241] [C${i}] remote address:10.0.7.9:443,TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end`,
  );
  return `${lines.join('\n')}\n`;
}

async function quoteOf(scope) {
  const lines = await scope.locator('[data-testid="evidence-line"]').count();
  const more = scope.locator('[data-testid="evidence-omitted"]');
  const shown = (await more.count()) > 0;
  return {
    lines,
    omitted: shown ? Number(await more.getAttribute('data-omitted')) : 0,
    text: shown ? (await more.textContent()).trim() : '',
  };
}

test('finding and conclusion count unquoted lines', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await pasteEvidence(page, 'many.log', failures(QUOTED + 7));
  const finding = page.locator('[data-testid="finding"][data-code="tls-verify-failed"]').first();
  await finding.waitFor();

  assert.deepEqual(await quoteOf(finding), {
    lines: QUOTED,
    omitted: 7,
    text: 'and 7 more lines like these',
  });

  const conclusion = await walkToConclusion(page, 'verify-failed-other', 'tls-client-policy');
  const evidence = conclusion.locator('[data-testid="conclusion-evidence"]');
  assert.deepEqual(await quoteOf(evidence), {
    lines: QUOTED,
    omitted: 7,
    text: 'and 7 more lines like these',
  });
});

test('one unquoted line is counted in the singular', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await pasteEvidence(page, 'one-more.log', failures(QUOTED + 1));
  const finding = page.locator('[data-testid="finding"][data-code="tls-verify-failed"]').first();
  await finding.waitFor();
  assert.equal((await quoteOf(finding)).text, 'and 1 more line like these');
});

test('no count when every line is quoted', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await pasteEvidence(page, 'all-quoted.log', failures(QUOTED));
  const finding = page.locator('[data-testid="finding"][data-code="tls-verify-failed"]').first();
  await finding.waitFor();
  assert.deepEqual(await quoteOf(finding), { lines: QUOTED, omitted: 0, text: '' });
});
