// The benchmark's output explains itself to a newcomer: what a budget means,
// that OVER is a figure and not a failure, which ratio the budget uses, and
// the distinct finding codes rather than a bare count. Runs
// tests/bench/bench.mjs on a small dump against the same built site.

import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { test } from './lib/harness.mjs';
import { DIST } from './lib/dist.mjs';
import { assert } from './lib/page.mjs';

const BENCH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'bench.mjs');

test('bench output explains its budgets', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [BENCH, '--dist', DIST, '--lines', '2000', '--runs', '2', '--no-10x'],
    { timeout: 80_000, maxBuffer: 4 * 1024 * 1024 },
  );
  assert.match(stdout, /"budget 1" means the time from paste to findings is at most 1\.0 x JSON\.parse/);
  assert.match(stdout, /It is a\s+measurement, not a failure/);
  assert.match(stdout, /The budget's figure is the wizard line: the median of the\s+per-run ratios/);
  assert.match(stdout, /ratio \(median of the runs\) [\d.]+; ratio of these two medians [\d.]+/);
  assert.match(stdout, /not the median wizard time divided by the\s+median JSON\.parse time/);
  assert.match(stdout, /run 1: .* \d+ findings of \d+ codes/);
  assert.match(stdout, /finding codes \(count in run 1\): [a-z-]+ \(\d+\)/);
  // The figures the output printed before stay.
  assert.match(stdout, /budget 300\.0 KiB: (within|OVER)/);
  assert.match(stdout, /wizard \/ JSON\.parse\(1x data\)  = [\d.]+ \(budget 1: (within|OVER)\)/);
  assert.match(stdout, /engine \/ JSON\.parse\(1x data\)  = [\d.]+ \(budget 1: (within|OVER)\)/);
  assert.match(stdout, /longest task \(page not responding\) = [\d.]+ ms/);
});
