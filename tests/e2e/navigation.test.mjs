// Moving through the walk: back, changing an earlier answer, the path map,
// links that reopen a step after a reload, the browser's back and forward
// buttons, and doing all of it with the keyboard alone.

import { test } from './lib/harness.mjs';
import {
  assert,
  clickAnswer,
  currentStepId,
  expectNoAxeViolations,
  expectStep,
  expectFocus,
  node,
  openApp,
  TREE,
  waitForApp,
} from './lib/page.mjs';

const SYMPTOM = 'tls-client-policy';

// The first three steps of the symptom along answers that lead to further
// steps, and an answer of the first step that ends the walk at once.
function opening() {
  const start = TREE.symptoms.find((s) => s.id === SYMPTOM).start;
  const steps = [start];
  const answers = [];
  while (steps.length < 3) {
    const step = node(steps[steps.length - 1]);
    const onward = step.answers.find((a) => node(a.next).kind === 'step');
    assert.ok(onward, `step ${step.id} has an answer that leads to another step`);
    answers.push(onward.id);
    steps.push(onward.next);
  }
  const ending = node(start).answers.find((a) => node(a.next).kind === 'conclusion');
  assert.ok(ending, `step ${start} has an answer that ends the walk`);
  return { steps, answers, ending };
}

async function chooseSymptom(page) {
  await page.locator(`[data-testid="symptom-${SYMPTOM}"]`).click();
}

async function expectSymptomChoice(page) {
  await page.locator('[data-testid="step"]').waitFor({ state: 'detached' });
  assert.equal(await currentStepId(page), null);
  assert.equal(
    await page.locator(`[data-testid="symptom-${SYMPTOM}"]`).getAttribute('aria-pressed'),
    'false',
  );
}

// A new page on the third step of the opening, reached by clicking.
async function pageOnThirdStep(server, newPage) {
  const { steps, answers } = opening();
  const page = await newPage();
  await openApp(page, server);
  await chooseSymptom(page);
  await clickAnswer(page, answers[0]);
  await clickAnswer(page, answers[1]);
  await expectStep(page, steps[2]);
  return page;
}

async function pathStepIds(page) {
  return page
    .locator('[data-testid="path-step"]')
    .evaluateAll((items) => items.map((li) => li.dataset.stepId));
}

async function chosenAnswer(page) {
  return page.locator('[data-testid="answer"][aria-current="true"]').getAttribute('data-answer');
}

test('back returns to the previous step with its answer', async ({ server, newPage }) => {
  const { steps, answers } = opening();
  const page = await newPage();
  await openApp(page, server);
  await chooseSymptom(page);
  await expectStep(page, steps[0]);
  await expectFocus(page, 'current-heading');

  await clickAnswer(page, answers[0]);
  await expectStep(page, steps[1]);
  await expectFocus(page, 'current-heading', 'focus moves to the new step heading');
  const progress = await page.locator('[data-testid="progress"]').textContent();
  assert.match(progress, /^Step 2 of at most \d+$/);

  await page.locator('[data-testid="back"]').click();
  await expectStep(page, steps[0]);
  assert.equal(await chosenAnswer(page), answers[0], 'the earlier answer is marked');
  await expectFocus(page, 'current-heading');

  await page.locator('[data-testid="back"]').click();
  await expectSymptomChoice(page);
  await expectFocus(page, 'symptom-heading');
});

test('changing an earlier answer changes the path', async ({ server, newPage }) => {
  const { steps, answers, ending } = opening();
  const page = await newPage();
  await openApp(page, server);
  await chooseSymptom(page);
  await clickAnswer(page, answers[0]);
  await clickAnswer(page, answers[1]);
  await expectStep(page, steps[2]);

  // Reopen the first step from the path map and give the other answer.
  await page.locator(`[data-testid="path-step"][data-step-id="${steps[0]}"] button`).click();
  await expectStep(page, steps[0]);
  await expectNoAxeViolations(page, 'revisited step');
  await clickAnswer(page, ending.id);
  const conclusion = page.locator('[data-testid="conclusion"]');
  await conclusion.waitFor();
  assert.equal(await conclusion.getAttribute('data-conclusion-id'), ending.next);
  assert.deepEqual(await pathStepIds(page), [steps[0]], 'the later steps left the path');

  // Going back to the first answer brings the later answers back.
  await page.locator('[data-testid="back"]').click();
  await expectStep(page, steps[0]);
  await clickAnswer(page, answers[0]);
  await expectStep(page, steps[1]);
  assert.equal(await chosenAnswer(page), answers[1], 'the answer given before is kept');
});

test('a copied link reopens the same step', async ({ server, newPage }) => {
  const { steps } = opening();
  const page = await pageOnThirdStep(server, newPage);
  const link = page.url();
  assert.match(new URL(link).hash, new RegExp(`s=${SYMPTOM}`));

  await page.reload();
  await waitForApp(page);
  await expectStep(page, steps[2]);

  // A new browser context has empty storage: only the URL carries the state.
  const other = await newPage();
  await other.goto(link);
  await waitForApp(other);
  await expectStep(other, steps[2]);
  assert.deepEqual(await pathStepIds(other), steps.slice(0, 2));
  await expectNoAxeViolations(other, 'step opened from a link');
});

test('a broken fragment shows the symptom choice', async ({ server, newPage }) => {
  const page = await newPage();
  await openApp(page, server, 's=no-such-symptom&a=x:y');
  assert.equal(await currentStepId(page), null);
  await chooseSymptom(page);
  await expectStep(page, opening().steps[0]);
});

test('browser back and forward move between steps', async ({ server, newPage }) => {
  const { steps } = opening();
  const page = await pageOnThirdStep(server, newPage);

  await page.goBack();
  await expectStep(page, steps[1]);
  await page.goBack();
  await expectStep(page, steps[0]);
  await page.goForward();
  await expectStep(page, steps[1]);
  await page.goForward();
  await expectStep(page, steps[2]);

  await page.goBack();
  await page.goBack();
  await page.goBack();
  await expectSymptomChoice(page);
  assert.equal(new URL(page.url()).hash, '');
  await page.goForward();
  await expectStep(page, steps[0]);
});

test('the whole walk works with the keyboard alone', async ({ server, newPage }) => {
  const { steps } = opening();
  const page = await newPage();
  await openApp(page, server);

  // The first Tab reaches the skip link, which leads into the wizard.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');

  await tabTo(page, `symptom-${SYMPTOM}`);
  await page.keyboard.press('Enter');
  await expectStep(page, steps[0]);
  await expectFocus(page, 'current-heading');

  for (let i = 1; i < steps.length; i += 1) {
    const answer = await tabTo(page, 'answer');
    await page.keyboard.press('Enter');
    const expected = node(steps[i - 1]).answers.find((a) => a.id === answer).next;
    if (node(expected).kind !== 'step') break;
    await expectStep(page, expected);
    await expectFocus(page, 'current-heading');
  }

  await tabTo(page, 'back');
  await page.keyboard.press('Space');
  await expectFocus(page, 'current-heading');
});

// Presses Tab until an element with the test id has focus; returns its
// data-answer, if any.
async function tabTo(page, testid) {
  for (let presses = 0; presses < 60; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({
      testid: document.activeElement?.dataset?.testid,
      answer: document.activeElement?.dataset?.answer,
    }));
    if (focused.testid === testid) return focused.answer;
  }
  throw new Error(`Tab never reached [data-testid="${testid}"]`);
}
