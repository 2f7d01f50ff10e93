// Helpers shared by the browser tests: opening the page, reading the tree the
// page is built from, walking it by clicking, and running axe-core.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const AXE_SOURCE = readFileSync(resolve(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** The decision tree compiled into the page, read from the engine's data file. */
export const TREE = JSON.parse(readFileSync(resolve(ROOT, 'crates/engine/data/tree.json'), 'utf8'));
/** The portal configuration the built site serves. */
export const CONFIG = JSON.parse(readFileSync(resolve(ROOT, 'public/config.json'), 'utf8'));

export const SYMPTOMS = ['tls-client-policy', 'originating-tls', 'tls-between-proxies', 'tls-elb'];

export function fixturePath(name) {
  return resolve(ROOT, 'tests/e2e/fixtures', name);
}

export function fixture(name) {
  return readFileSync(fixturePath(name), 'utf8');
}

export function node(id) {
  const found = TREE.nodes.find((n) => n.id === id);
  assert.ok(found, `tree has no node ${id}`);
  return found;
}

/**
 * The answers that lead from a symptom's first step to `targetId`, found by a
 * breadth-first search over the tree: [{ step, answer }, ...].
 */
export function pathTo(symptomId, targetId) {
  const symptom = TREE.symptoms.find((s) => s.id === symptomId);
  assert.ok(symptom, `tree has no symptom ${symptomId}`);
  const queue = [[symptom.start, []]];
  const seen = new Set();
  while (queue.length > 0) {
    const [id, path] = queue.shift();
    if (id === targetId) return path;
    if (seen.has(id)) continue;
    seen.add(id);
    const current = node(id);
    if (current.kind !== 'step') continue;
    for (const answer of current.answers) {
      queue.push([answer.next, [...path, { step: id, answer: answer.id }]]);
    }
  }
  throw new Error(`${targetId} is not reachable from symptom ${symptomId}`);
}

/** The URL a tree documentation link must have under the served config.json. */
export function docUrl(link) {
  const absolute = /^https?:\/\//.test(link.page);
  let base = CONFIG.docs_base_url;
  if (!base.endsWith('/')) base += '/';
  let url = absolute ? link.page : `${base}${link.page}.html`;
  if (link.anchor) url += `#${link.anchor}`;
  return url;
}

/** Opens the page (plus an optional fragment) and waits until the app is running. */
export async function openApp(page, server, fragment = '') {
  await page.goto(server.url + (fragment ? `#${fragment}` : ''));
  await waitForApp(page);
}

export async function waitForApp(page) {
  await page.locator('[data-testid="symptom-tls-client-policy"]').waitFor({ timeout: 30_000 });
}

/** Returns the `data-step-id` of the step shown, or null when none is. */
export async function currentStepId(page) {
  const step = page.locator('[data-testid="step"]');
  if ((await step.count()) === 0) return null;
  return step.getAttribute('data-step-id');
}

export async function expectStep(page, id) {
  await page.locator(`[data-testid="step"][data-step-id="${id}"]`).waitFor({ timeout: 10_000 });
}

export async function clickAnswer(page, answerId) {
  await page.locator(`[data-testid="answer"][data-answer="${answerId}"]`).click();
}

// Returns the first answer of `stepId` on a shortest path to `targetId`, or null.
function answerToward(stepId, targetId) {
  const queue = [[stepId, null]];
  const seen = new Set();
  while (queue.length > 0) {
    const [id, first] = queue.shift();
    if (id === targetId) return first;
    if (seen.has(id)) continue;
    seen.add(id);
    const current = node(id);
    if (current.kind !== 'step') continue;
    for (const answer of current.answers) queue.push([answer.next, first ?? answer.id]);
  }
  return null;
}

/**
 * Walks to the conclusion `targetId` from `symptomId` (by default the first
 * symptom that leads there) and returns the conclusion's locator. The evidence
 * may answer steps on its own, so each click is chosen from the step the page
 * shows.
 */
export async function walkToConclusion(page, targetId, symptomId = undefined) {
  const symptom = symptomId ?? TREE.symptoms.find((s) => answerToward(s.start, targetId) !== null)?.id;
  assert.ok(symptom, `a symptom leads to ${targetId}`);
  await page.locator(`[data-testid="symptom-${symptom}"]`).click();
  const conclusion = page.locator(`[data-testid="conclusion"][data-conclusion-id="${targetId}"]`);
  for (let clicks = 0; (await conclusion.count()) === 0; clicks += 1) {
    assert.ok(clicks < 40, `${targetId} is reached`);
    await page.locator('[data-testid="step"], [data-testid="conclusion"]').first().waitFor();
    const stepId = await currentStepId(page);
    assert.ok(stepId, `the walk toward ${targetId} ended elsewhere`);
    const answer = answerToward(stepId, targetId);
    assert.ok(answer, `${targetId} is reachable from step ${stepId}`);
    await clickAnswer(page, answer);
  }
  return conclusion;
}

/**
 * Clicks through `path` from the step shown, checking before each click that
 * the page shows the step the tree says comes next.
 */
export async function walk(page, path) {
  for (const { step, answer } of path) {
    await expectStep(page, step);
    await clickAnswer(page, answer);
  }
}

export async function pasteEvidence(page, name, text) {
  await page.locator('[data-testid="evidence-name"]').fill(name);
  await page.locator('[data-testid="evidence-input"]').fill(text);
  await page.locator('[data-testid="evidence-add"]').click();
  await page.locator(`[data-testid="evidence-item-name"]:text-is("${name}")`).waitFor();
}

/** Returns the `data-code` of every finding shown, in order. */
export async function findingCodes(page) {
  return page.locator('[data-testid="finding"]').evaluateAll((els) => els.map((e) => e.dataset.code));
}

/**
 * Runs axe-core on the page and fails with the rule ids, impacts and targets
 * of every violation. The checks cover WCAG 2.0-2.2 A and AA and axe's best
 * practices.
 */
export async function expectNoAxeViolations(page, screen) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  // Evaluated through the DevTools protocol, which the page's CSP does not
  // govern; an inline <script> would be refused.
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n      ')}`,
  );
  assert.deepEqual(violations, [], `axe found violations on the ${screen} screen:\n${violations.join('\n')}`);
}

/** `text` as the page shows it: code spans between backticks lose them. */
export function shown(text) {
  return (text.match(/`/g) ?? []).length % 2 === 0 ? text.replaceAll('`', '') : text;
}

/**
 * Waits until the element with `id` has the keyboard focus. The page moves
 * the focus after the next frame is rendered, so a check right after a click
 * can come too early.
 */
export async function expectFocus(page, id, message = `focus on #${id}`) {
  try {
    await page.waitForFunction((expected) => document.activeElement?.id === expected, id, { timeout: 5_000 });
  } catch {
    assert.equal(await focusedId(page), id, message);
  }
}

/** Returns the id of the focused element. */
export async function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? null);
}

/** Returns the sessionStorage entries the page wrote, as an object. */
export async function storedEntries(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));
}

export { assert };
