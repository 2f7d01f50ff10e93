// The busy state of the evidence panel: parsing and diagnosing run on the
// page's main thread, so large evidence is read in stages. A notice with a
// progress bar names each stage, and the browser paints it before the stage
// runs. When the last stage ends, the notice goes and the page responds again.

import { generateEnvoyStats } from '../bench/stats.mjs';
import { test } from './lib/harness.mjs';
import { assert, expectNoAxeViolations, fixture, openApp, pasteEvidence, waitForApp } from './lib/page.mjs';

// About 20 MB of /stats text (the generator writes about 87 bytes a line).
const LARGE_LINES = 240_000;
const LARGE_BYTES = 20_000_000;
const PASTE_NAME = 'mesh-stats.txt';

// Pastes window.__paste with a click on evidence-add, and returns a timeline
// of the page: when the busy notice came and went, when the paste's item
// appeared, and the time of every animation frame in between.
async function pasteAndRecord(page, name) {
  return page.evaluate(async (pasteName) => {
    const list = document.querySelector('.evidence-items');
    const input = document.querySelector('[data-testid="evidence-input"]');
    const nameField = document.querySelector('[data-testid="evidence-name"]');
    const add = document.querySelector('[data-testid="evidence-add"]');
    const timeline = { frames: [] };

    let recording = true;
    const onFrame = () => {
      timeline.frames.push(performance.now());
      if (recording) requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);

    const observer = new MutationObserver(() => {
      const now = performance.now();
      const busy = document.querySelector('[data-testid="evidence-busy"]');
      if (busy) {
        const bar = busy.querySelector('[data-testid="evidence-busy-item"] progress');
        if (bar && (timeline.progress ??= []).at(-1) !== bar.value) timeline.progress.push(bar.value);
        const stage = busy.querySelector('[data-testid="evidence-busy-item"] span')?.textContent;
        if (stage && timeline.stages?.at(-1)?.text !== stage) {
          (timeline.stages ??= []).push({ text: stage, at: now });
        }
      }
      if (busy && timeline.busyShown === undefined) {
        timeline.busyShown = now;
        timeline.busyText = busy.textContent;
        timeline.busyInLiveRegion = busy.closest('[role="status"][aria-live="polite"]') !== null;
        timeline.ariaBusyWhileBusy = list.getAttribute('aria-busy');
        timeline.noticeInsideBusy = busy.closest('[aria-busy="true"]') !== null;
        timeline.addDisabledWhileBusy = add.disabled;
      }
      if (!busy && timeline.busyShown !== undefined && timeline.busyGone === undefined) timeline.busyGone = now;
      if (timeline.itemShown === undefined && document.querySelector('[data-testid="evidence-item"]')) {
        timeline.itemShown = now;
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    timeline.longTasks = [];
    const longTaskObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) timeline.longTasks.push(Math.round(entry.duration));
    });
    longTaskObserver.observe({ type: 'longtask' });

    nameField.value = pasteName;
    nameField.dispatchEvent(new Event('input', { bubbles: true }));
    input.value = window.__paste;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    timeline.clicked = performance.now();
    add.click();

    const deadline = performance.now() + 60_000;
    while (timeline.itemShown === undefined || (timeline.busyShown !== undefined && timeline.busyGone === undefined)) {
      if (performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    recording = false;
    observer.disconnect();
    longTaskObserver.disconnect();
    timeline.ariaBusyAfter = list.getAttribute('aria-busy');
    timeline.kind = document.querySelector('[data-testid="evidence-item"]')?.dataset.kind ?? null;
    return timeline;
  }, name);
}

test('20 MB paste shows busy state first', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  // Generated in the page, so 20 MB never cross the DevTools protocol.
  const bytes = await page.evaluate(`(() => {
    const generate = ${generateEnvoyStats.toString()};
    window.__paste = generate(${LARGE_LINES}).text;
    return window.__paste.length;
  })()`);
  assert.ok(bytes >= LARGE_BYTES, `the paste has ${bytes} bytes`);

  const t = await pasteAndRecord(page, PASTE_NAME);

  assert.ok(t.busyShown !== undefined, 'the busy notice appeared');
  const framesBeforeBusy = t.frames.filter((frame) => frame > t.clicked && frame < t.busyShown);
  assert.equal(framesBeforeBusy.length, 0, 'the first frame after the click shows the busy notice');
  assert.ok(t.itemShown !== undefined, 'the paste was read within 60 s');
  assert.ok(t.busyShown < t.itemShown, 'the busy notice came before the parsed paste');
  const paintedWhileBusy = t.frames.some((frame) => frame > t.busyShown && frame < t.itemShown);
  assert.ok(paintedWhileBusy, 'the browser drew a frame with the busy notice before the parse started');
  assert.match(t.busyText, new RegExp(`Reading ${PASTE_NAME} \\(2\\d\\.\\d MB\\)`));
  assert.equal(t.busyInLiveRegion, true, 'the notice is in a polite live region');
  assert.equal(t.ariaBusyWhileBusy, 'true', 'the paste list is busy');
  assert.equal(t.noticeInsideBusy, false, 'the live region is outside every busy element');
  assert.equal(t.addDisabledWhileBusy, true, 'the add button is disabled while busy');

  // Each stage is named, in order, and the browser draws a frame between them.
  const stageNames = t.stages.map((stage) => stage.text.replace(/^Reading [^:]+: /, ''));
  assert.deepEqual(
    stageNames.map((name) => name.replace(/\d[\d,]*/, 'N')),
    ['removing private keys.', 'parsing N lines.', 'diagnosing.', 'drawing the results.'],
  );
  assert.match(stageNames[1], /parsing 240,00\d lines/);

  // The parse hands the main thread back to the browser as it goes, and the
  // bar moves within the parse's share (10 to 80 percent).
  const parseSteps = t.progress.filter((value) => value > 10 && value < 80);
  assert.ok(parseSteps.length >= 2, `the bar moved during the parse: ${t.progress.join(', ')}`);
  assert.deepEqual([...t.progress].sort((a, b) => a - b), t.progress, 'the bar never moves back');
  console.log(`# 20 MB paste: long tasks ${t.longTasks.join(', ')} ms; progress ${t.progress.join(', ')}`);
  for (let index = 1; index < t.stages.length; index += 1) {
    const painted = t.frames.some((frame) => frame > t.stages[index - 1].at && frame < t.stages[index].at + 1000);
    assert.ok(painted, `a frame was drawn during "${stageNames[index - 1]}"`);
  }

  assert.ok(t.busyGone !== undefined, 'the busy notice went away');
  assert.equal(t.ariaBusyAfter, 'false');
  assert.equal(t.kind, 'stats-text');

  // 20 MB is more than Chromium's session storage takes, and the page reports it in words.
  assert.match(
    await page.locator('[data-testid="storage-problem"]').textContent(),
    new RegExp(`larger than the browser's session storage keeps for this page \\(at most 10 MiB\\): ${PASTE_NAME} \\(2\\d\\.\\d MB\\)\\. It stays`),
  );

  // The page responds again: the add button works for the next paste.
  assert.equal(await page.locator('[data-testid="evidence-add"]').isDisabled(), false);
  await pasteEvidence(page, 'notes', 'upstream connect error or disconnect/reset before headers');
  assert.equal(await page.locator('[data-testid="evidence-item"]').count(), 2);
});

test('small paste skips the busy state', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await page.evaluate((text) => {
    window.__paste = text;
  }, fixture('contour-healthy-tls-stats.txt'));

  const t = await pasteAndRecord(page, 'contour.txt');

  assert.equal(t.busyShown, undefined, 'no busy notice for a small paste');
  assert.ok(t.itemShown !== undefined, 'the paste was read');
  assert.equal(t.kind, 'stats-text');
  assert.equal(t.ariaBusyAfter, 'false');
});

test('large file shows busy state too', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  // About 1 MB: above the 512 KiB threshold, small enough to send quickly.
  const text = generateEnvoyStats(12_000).text;
  assert.ok(text.length > 512 * 1024, `the file has ${text.length} bytes`);

  await page.evaluate(() => {
    window.__busySeen = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="evidence-busy"]')) window.__busySeen = true;
    }).observe(document.body, { subtree: true, childList: true });
  });
  await page.locator('[data-testid="evidence-file"]').setInputFiles({
    name: 'stats-dump.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  await page.locator('[data-testid="evidence-item"][data-kind="stats-text"]').waitFor();
  await page.locator('[data-testid="evidence-busy"]').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => window.__busySeen), true, 'the busy notice was shown for the file');
  assert.deepEqual(await page.locator('[data-testid="evidence-item-name"]').allTextContents(), ['stats-dump.txt']);
});

test('large stored paste is read back in stages', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  // About 2.6 MB: above the busy threshold and within Chromium's session storage.
  await page.evaluate(`(() => {
    const generate = ${generateEnvoyStats.toString()};
    window.__paste = generate(30_000).text;
  })()`);
  const first = await pasteAndRecord(page, PASTE_NAME);
  assert.equal(first.kind, 'stats-text');
  const stored = await page.evaluate(() => sessionStorage.getItem('meshtls.v1.evidence')?.length ?? 0);
  assert.ok(stored > 2_000_000, `the paste is stored (${stored} characters)`);

  // Records, from the first script of the reloaded page on, what the busy
  // notice showed and how much of the stored paste was still in storage then.
  await page.addInitScript(() => {
    window.__restore = { texts: [], storedWhileBusy: [] };
    new MutationObserver(() => {
      const busy = document.querySelector('[data-testid="evidence-busy"]');
      if (!busy) return;
      window.__restore.texts.push(busy.textContent);
      window.__restore.storedWhileBusy.push(sessionStorage.getItem('meshtls.v1.evidence')?.length ?? 0);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.reload();
  await page.locator('[data-testid="evidence-item"][data-kind="stats-text"]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="evidence-busy"]').waitFor({ state: 'detached' });

  const restore = await page.evaluate(() => window.__restore);
  assert.ok(
    restore.texts.some((text) => new RegExp(`Reading ${PASTE_NAME} \\(2\\.\\d MB\\): parsing 30,00\\d lines`).test(text)),
    `the busy notice named the stored paste: ${JSON.stringify(restore.texts.slice(0, 3))}`,
  );
  assert.ok(
    restore.storedWhileBusy.every((length) => length === stored),
    'storage kept the whole paste while it was read back',
  );
  assert.deepEqual(await page.locator('[data-testid="evidence-item-name"]').allTextContents(), [PASTE_NAME]);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('meshtls.v1.evidence')?.length ?? 0), stored);
});

test('pastes beyond the quota are named after a reload', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await pasteEvidence(page, 'notes', 'upstream connect error or disconnect/reset before headers');
  // About 12 MB: more than the 10 MiB the browser keeps for the page.
  await page.evaluate(`(() => {
    const generate = ${generateEnvoyStats.toString()};
    window.__paste = generate(140_000).text;
  })()`);
  await pasteAndRecord(page, PASTE_NAME);
  assert.deepEqual(await page.locator('[data-testid="evidence-item-name"]').allTextContents(), ['notes', PASTE_NAME]);
  const problem = page.locator('[data-testid="storage-problem"]');
  assert.match(await problem.textContent(), new RegExp(`Not kept for a reload .*${PASTE_NAME} \\(1\\d\\.\\d MB\\)`));

  await page.reload();
  await page.locator('[data-testid="evidence-item"]').first().waitFor();
  assert.deepEqual(await page.locator('[data-testid="evidence-item-name"]').allTextContents(), ['notes']);
  assert.match(
    await page.locator('[data-testid="restore-notice"]').textContent(),
    new RegExp(`Not brought back after the reload: ${PASTE_NAME} \\(1\\d\\.\\d MB, too large for the browser's session storage\\)`),
  );
  await expectNoAxeViolations(page, 'restore notice');
});

test('reload while reading names the lost paste', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  await page.evaluate(`(() => {
    const generate = ${generateEnvoyStats.toString()};
    window.__paste = generate(${LARGE_LINES}).text;
  })()`);
  await page.evaluate((pasteName) => {
    document.querySelector('[data-testid="evidence-name"]').value = pasteName;
    document.querySelector('[data-testid="evidence-name"]').dispatchEvent(new Event('input', { bubbles: true }));
    const input = document.querySelector('[data-testid="evidence-input"]');
    input.value = window.__paste;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('[data-testid="evidence-add"]').click();
  }, PASTE_NAME);
  await page.locator('[data-testid="evidence-busy"]').waitFor();
  await page.reload();
  await waitForApp(page);
  assert.match(
    await page.locator('[data-testid="restore-notice"]').textContent(),
    new RegExp(`${PASTE_NAME} \\(2\\d\\.\\d MB, still being read when the page reloaded\\)`),
  );
  assert.equal(await page.locator('[data-testid="evidence-item"]').count(), 0);
});

test('files chosen together keep their order', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server);
  // The second file is above the busy threshold and the others are not, so
  // the small ones are read at once unless the page keeps them in line.
  const large = generateEnvoyStats(12_000).text;
  const log = 'upstream connect error or disconnect/reset before headers';
  await page.locator('[data-testid="evidence-file"]').setInputFiles([
    { name: 'envoy.log', mimeType: 'text/plain', buffer: Buffer.from(log) },
    { name: 'envoy.log', mimeType: 'text/plain', buffer: Buffer.from(large) },
    { name: 'c.log', mimeType: 'text/plain', buffer: Buffer.from(log) },
  ]);
  await page.locator('[data-testid="evidence-item"]').nth(2).waitFor();
  await page.locator('[data-testid="evidence-busy"]').waitFor({ state: 'detached' });
  assert.deepEqual(await page.locator('[data-testid="evidence-item-name"]').allTextContents(), [
    'envoy.log',
    'envoy.log (2)',
    'c.log',
  ]);
  assert.deepEqual(
    await page.locator('[data-testid="evidence-item"]').evaluateAll((items) => items.map((item) => item.dataset.kind)),
    ['other', 'stats-text', 'other'],
  );
});
