// The performance budget of the built site in dist/ (run by scripts/bench.sh).
//
// 1. Size: the gzip size (level 9) of every file in dist/ and their total,
//    against a budget of 300 KiB, and the part the page itself loads.
// 2. Speed: in headless Chromium, the wizard served under a sub-path reads a
//    generated /stats dump of an App Mesh Envoy (tests/bench/stats.mjs) the way
//    a person adds it: the text goes into [data-testid=evidence-input] (value
//    plus an input event, as a paste gives), then [data-testid=evidence-add] is
//    clicked. The clock runs from the paste to the moment the paste's detected
//    kind ([data-testid=evidence-item][data-kind]) is in the DOM and the
//    findings panel has updated (a [data-testid=finding], or its note that the
//    evidence gave no finding). The yardstick is JSON.parse of the
//    same statistics in Envoy's JSON format, timed in the same page
//    (median of 5). Budgets: the wizard on 50 000 lines takes at most 1.0
//    times JSON.parse of those lines, and on ten times the lines at most 11
//    times JSON.parse of the 50 000 lines (near-linear growth). The ratio of
//    the large run to JSON.parse of its own data is printed as well. The
//    engine's share (the page's User Timing measures meshtls:parse and
//    meshtls:diagnose) gets the same ratios, and the longest task (from the
//    long tasks API) is the longest time the page could not respond.
// 3. With --profile, one more run under the V8 sampling profiler splits the
//    wizard's time between wasm, JavaScript, garbage collection and the
//    browser's rendering work.
//
// It prints the figures and exits 0 whatever they are. A run that crashes the
// tab or times out is reported as not measured. It exits non-zero when dist/
// or the browser is missing.
//
// Usage: node tests/bench/bench.mjs [--lines N] [--runs N] [--dist DIR] [--profile]
//                                   [--profile-out FILE] [--no-10x]
//   --profile-out FILE profiles as --profile does and also writes the V8 CPU
//   profile (JSON, the .cpuprofile format) to FILE.
//   --no-10x skips the run on ten times the lines, which takes the longest.

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { chromium } from 'playwright-core';

import { startServer } from '../e2e/lib/server.mjs';
import { generateEnvoyStats } from './stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASE_PATH = '/docs/tools/meshtls/';
const SIZE_BUDGET_BYTES = 300 * 1024;
const RATIO_BUDGET = 1.0;
const RATIO_BUDGET_10X = 11;
const JSON_PARSE_REPEATS = 5;
// Functions listed by --profile, by self time.
const PROFILE_TOP_FUNCTIONS = 25;
// A measurement that takes longer than this is reported as not finished.
const MEASURE_TIMEOUT_MS = 10 * 60 * 1000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function parseArgs(argv) {
  const options = { lines: 50_000, runs: 3, dist: join(ROOT, 'dist'), profile: false, profileOut: null, large: true };
  for (let i = 0; i < argv.length; i += 1) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--profile') {
      options.profile = true;
    } else if (argv[i] === '--profile-out' && argv[i + 1]) {
      options.profile = true;
      options.profileOut = resolve(argv[i + 1]);
      i += 1;
    } else if (argv[i] === '--no-10x') {
      options.large = false;
    } else if (argv[i] === '--dist' && argv[i + 1]) {
      options.dist = resolve(argv[i + 1]);
      i += 1;
    } else if (argv[i] === '--lines' && Number.isInteger(value) && value > 0) {
      options.lines = value;
      i += 1;
    } else if (argv[i] === '--runs' && Number.isInteger(value) && value > 0) {
      options.runs = value;
      i += 1;
    } else {
      throw new Error(`bench.mjs: invalid argument ${argv[i]} (expected --lines N, --runs N, --dist DIR, --profile, --profile-out FILE or --no-10x)`);
    }
  }
  return options;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value) => `${value.toFixed(1)} ms`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function listFiles(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // trunk's staging folder (.stage) while a build runs is not part of the site.
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

// The files index.html names, plus config.json, which the page fetches.
function loadedByPage(html) {
  const names = new Set(['index.html', 'config.json']);
  // Release builds minify index.html, which leaves most values unquoted.
  for (const match of html.matchAll(/\s(?:src|href|data-glue|data-wasm)=("?)\.\/([^"#?\s>]+)\1/g)) names.add(match[2]);
  return names;
}

async function reportSizes(dist) {
  console.log('## Size of dist/ (gzip -9 of each file)\n');
  const files = await listFiles(dist);
  const loaded = loadedByPage(await readFile(join(dist, 'index.html'), 'utf8'));
  let total = 0;
  let totalRaw = 0;
  let totalLoaded = 0;
  const width = Math.max(...files.map((f) => relative(dist, f).length));
  for (const file of files) {
    const body = await readFile(file);
    const gzipped = gzipSync(body, { level: 9 }).length;
    const name = relative(dist, file);
    total += gzipped;
    totalRaw += body.length;
    if (loaded.has(name)) totalLoaded += gzipped;
    console.log(`${name.padEnd(width)}  ${kib(body.length).padStart(11)}  gzip ${kib(gzipped).padStart(10)}${loaded.has(name) ? '  (loaded by the page)' : ''}`);
  }
  console.log(`\ntotal of ${files.length} files: ${kib(totalRaw)}, gzip ${kib(total)} (${total} bytes); budget ${kib(SIZE_BUDGET_BYTES)}: ${total <= SIZE_BUDGET_BYTES ? 'within' : 'OVER'}`);
  console.log(`loaded by the page on first visit: gzip ${kib(totalLoaded)}`);
  console.log(`(the size budget is ${kib(SIZE_BUDGET_BYTES)} gzip for all files together; OVER marks a figure above it, not a failure)\n`);
  return { total, totalLoaded };
}

// Runs in the page: builds the dump there, so that tens of megabytes never
// cross the DevTools protocol.
async function prepare(page, lines) {
  return page.evaluate(`(() => {
    const generate = ${generateEnvoyStats.toString()};
    window.__bench = generate(${lines});
    return { lines: window.__bench.lines, textBytes: window.__bench.text.length, jsonBytes: window.__bench.json.length };
  })()`);
}

async function timeJsonParse(page) {
  return page.evaluate((repeats) => {
    const times = [];
    for (let i = 0; i < repeats; i += 1) {
      const start = performance.now();
      const parsed = JSON.parse(window.__bench.json);
      times.push(performance.now() - start);
      if (!parsed.stats) throw new Error('the JSON has no stats array');
    }
    return times;
  }, JSON_PARSE_REPEATS);
}

// Pastes the dump and waits for its kind and the findings; returns the times.
async function timeWizard(page) {
  return page.evaluate(async (timeoutMs) => {
    const input = document.querySelector('[data-testid="evidence-input"]');
    const add = document.querySelector('[data-testid="evidence-add"]');
    if (!input || !add) throw new Error('the page has no evidence-input or evidence-add');
    const itemsBefore = document.querySelectorAll('[data-testid="evidence-item"]').length;

    const kindShown = () => {
      const items = document.querySelectorAll('[data-testid="evidence-item"][data-kind]');
      return items.length > itemsBefore ? items[items.length - 1].dataset.kind : null;
    };
    // The findings panel has updated when it lists findings or shows its note
    // that the evidence gave none.
    const findingsShown = () =>
      document.querySelectorAll('[data-testid="finding"]').length > 0 ||
      (document.querySelector('[data-testid="findings"]')?.textContent ?? '').includes('No finding in the evidence');
    const until = (condition) =>
      new Promise((resolve, reject) => {
        if (condition()) {
          resolve(performance.now());
          return;
        }
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`no result after ${timeoutMs} ms`));
        }, timeoutMs);
        const observer = new MutationObserver(() => {
          if (!condition()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve(performance.now());
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      });

    // The page times its parse and each run of the diagnosis as User Timing
    // measures. The long tasks API reports every task of 50 ms or more, in
    // which the page could not respond.
    performance.clearMeasures();
    const longTasks = [];
    const longTaskObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
    });
    longTaskObserver.observe({ type: 'longtask' });

    const start = performance.now();
    input.value = window.__bench.text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const pasted = performance.now();
    add.click();
    const kindAt = await until(kindShown);
    const findingsAt = await until(findingsShown);
    // The next frame after the findings, which is what a person looks at.
    const paintedAt = await new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
    // Long task entries arrive a little after the task; wait for the busy
    // notice to go, then for one more task.
    while (document.querySelector('[data-testid="evidence-busy"]')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    longTaskObserver.takeRecords().forEach((entry) => longTasks.push({ start: entry.startTime, duration: entry.duration }));
    longTaskObserver.disconnect();
    const measured = (name) =>
      performance
        .getEntriesByName(name, 'measure')
        .filter((entry) => entry.startTime >= start)
        .reduce((sum, entry) => sum + entry.duration, 0);
    const during = longTasks.filter((task) => task.start >= start - 1 && task.start <= paintedAt);
    return {
      parseMs: measured('meshtls:parse'),
      diagnoseMs: measured('meshtls:diagnose'),
      longestTaskMs: Math.max(0, ...during.map((task) => task.duration)),
      longTasks: during.map((task) => Math.round(task.duration)),
      kind: kindShown() ?? document.querySelector('[data-testid="evidence-item"]')?.dataset.kind,
      findings: [...document.querySelectorAll('[data-testid="finding"]')].map((f) => f.dataset.code),
      pasteMs: pasted - start,
      kindMs: kindAt - start,
      totalMs: findingsAt - start,
      paintedMs: paintedAt - start,
    };
  }, MEASURE_TIMEOUT_MS);
}

async function measure(browser, server, lines, runs) {
  const results = [];
  for (let run = 0; run < runs; run += 1) {
    // A fresh context each time: no earlier paste in storage, no service worker.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(MEASURE_TIMEOUT_MS);
      await page.goto(server.url);
      await page.locator('[data-testid="evidence-input"]').waitFor({ timeout: 60_000 });
      const size = await prepare(page, lines);
      const parseTimes = await timeJsonParse(page);
      const wizard = await timeWizard(page);
      results.push({ size, jsonParseMs: median(parseTimes), wizard });
    } finally {
      await context.close();
    }
  }
  return results;
}

// One more run of the wizard under the V8 sampling profiler, to tell where
// the time goes: in wasm (engine and Leptos), in JavaScript (the wasm-bindgen
// glue), in garbage collection, or in the browser's own work outside
// JavaScript, which V8 counts as "(program)" (style, layout, paint, the DOM).
// The profiler slows the run down, so these times are not the measurement.
async function profile(browser, server, lines, outFile) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(MEASURE_TIMEOUT_MS);
    await page.goto(server.url);
    await page.locator('[data-testid="evidence-input"]').waitFor({ timeout: 60_000 });
    await prepare(page, lines);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    await timeWizard(page);
    const { profile: result } = await cdp.send('Profiler.stop');
    if (outFile) await writeFile(outFile, JSON.stringify(result));
    return { categories: categorize(result), functions: selfTimes(result) };
  } finally {
    await context.close();
  }
}

function categorize(cpuProfile) {
  const categoryOf = new Map();
  for (const node of cpuProfile.nodes) {
    const { functionName, url } = node.callFrame;
    let category;
    if (functionName === '(garbage collector)') category = 'garbage collection';
    else if (functionName === '(program)') category = 'browser outside JavaScript: style, layout, paint, DOM';
    else if (functionName === '(idle)' || functionName === '(root)') category = 'idle';
    else if (url.endsWith('.wasm') || url.startsWith('wasm://') || /^\$|^wasm-function/.test(functionName)) category = 'wasm';
    else category = `JavaScript ${url.split('/').pop() || '(page)'}`;
    categoryOf.set(node.id, category);
  }
  const totals = new Map();
  const { samples, timeDeltas } = cpuProfile;
  for (let i = 0; i < samples.length; i += 1) {
    // A sample's time is the gap to the next sample.
    const delta = (timeDeltas[i + 1] ?? 0) / 1000;
    const category = categoryOf.get(samples[i]);
    totals.set(category, (totals.get(category) ?? 0) + delta);
  }
  return [...totals].filter(([category]) => category !== 'idle').sort((a, b) => b[1] - a[1]);
}

// Self time of each function in a V8 CPU profile, largest first. Wasm functions
// are named only when the module keeps its "name" section. A release build of
// trunk strips that section, so its functions show as `$func123`.
function selfTimes(cpuProfile) {
  const nameOf = new Map();
  for (const node of cpuProfile.nodes) {
    const { functionName, url } = node.callFrame;
    nameOf.set(node.id, `${functionName || '(anonymous)'} ${url.split('/').pop()}`.trim());
  }
  const totals = new Map();
  const { samples, timeDeltas } = cpuProfile;
  for (let i = 0; i < samples.length; i += 1) {
    const delta = (timeDeltas[i + 1] ?? 0) / 1000;
    const name = nameOf.get(samples[i]);
    totals.set(name, (totals.get(name) ?? 0) + delta);
  }
  return [...totals].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]);
}

function printRun(label, results) {
  const { size } = results[0];
  console.log(`### ${label}: ${size.lines} lines, text ${kib(size.textBytes)}, JSON ${kib(size.jsonBytes)}\n`);
  for (const [i, r] of results.entries()) {
    const w = r.wizard;
    console.log(
      `run ${i + 1}: wizard ${ms(w.totalMs)} (paste ${ms(w.pasteMs)}, kind "${w.kind}" at ${ms(w.kindMs)}, ` +
        `${w.findings.length} findings of ${new Set(w.findings).size} codes, painted at ${ms(w.paintedMs)}); JSON.parse ${ms(r.jsonParseMs)}; ` +
        `ratio ${(w.totalMs / r.jsonParseMs).toFixed(2)}`,
    );
    console.log(
      `       engine: parse ${ms(w.parseMs)} + diagnose ${ms(w.diagnoseMs)}, ratio ${(engineMs(w) / r.jsonParseMs).toFixed(2)}; ` +
        `longest task ${ms(w.longestTaskMs)}; long tasks in order: ${w.longTasks.join(', ')} ms`,
    );
  }
  const wizard = median(results.map((r) => r.wizard.totalMs));
  const parse = median(results.map((r) => r.jsonParseMs));
  // Each run's ratio compares two times taken in the same page moments apart,
  // so the median of those ratios suffers less from a busy machine than the
  // ratio of the two medians.
  const ratio = median(results.map((r) => r.wizard.totalMs / r.jsonParseMs));
  const engine = median(results.map((r) => engineMs(r.wizard)));
  const engineRatio = median(results.map((r) => engineMs(r.wizard) / r.jsonParseMs));
  const longestTask = median(results.map((r) => r.wizard.longestTaskMs));
  console.log(
    `\nmedian: wizard ${ms(wizard)}, JSON.parse ${ms(parse)}, ratio (median of the runs) ${ratio.toFixed(2)}; ` +
      `ratio of these two medians ${(wizard / parse).toFixed(2)}`,
  );
  console.log(`median: engine (parse + diagnose) ${ms(engine)}, ratio ${engineRatio.toFixed(2)}; longest task ${ms(longestTask)}`);
  if (results.length > 1) {
    console.log(
      '        The ratio is the median of the per-run ratios above, not the median wizard time divided by the\n' +
        '        median JSON.parse time. Each run\'s ratio compares two times taken moments apart in one page, which\n' +
        '        a busy machine disturbs less, and the two medians may come from different runs.',
    );
  }
  console.log(`finding codes (count in run 1): ${codeCounts(results[0].wizard.findings)}\n`);
  return { wizard, parse, ratio, engine, engineRatio, longestTask };
}

// Each distinct finding code with the number of findings of that code, in the
// page's order: "tls-in-use (22), tls-not-in-use (1)".
function codeCounts(codes) {
  if (codes.length === 0) return 'none';
  const counts = new Map();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, count]) => `${code} (${count})`).join(', ');
}

// The engine's share of a paste: the page's User Timing measures of the parse
// and of every diagnosis run it caused.
const engineMs = (wizard) => wizard.parseMs + wizard.diagnoseMs;

const verdict = (ratio, budget) => `${ratio.toFixed(2)} (budget ${budget}: ${ratio <= budget ? 'within' : 'OVER'})`;

async function main() {
  const options = parseArgs(process.argv.slice(2));
  try {
    await stat(join(options.dist, 'index.html'));
  } catch {
    console.error(`bench.mjs: ${join(options.dist, 'index.html')} not found: build the site first (scripts/bench.sh does)`);
    return 1;
  }

  const cpu = cpus();
  console.log(`# meshtls performance budget, ${new Date().toISOString()}`);
  console.log(`machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory, Node ${process.version}`);
  // Other work on the machine stretches every time below.
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

  await reportSizes(options.dist);

  const server = await startServer(options.dist, BASE_PATH);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    console.log(`## Speed in ${CHROMIUM} ${browser.version()}, page served at ${server.url}\n`);
    console.log('How: the dump goes into [data-testid=evidence-input] (value and an input event), then');
    console.log('[data-testid=evidence-add] is clicked; the time runs from the paste until the paste\'s kind');
    console.log('is in the DOM and the findings panel has updated. JSON.parse of the same statistics in');
    console.log(`Envoy's JSON format is timed in the same page (median of ${JSON_PARSE_REPEATS}). Each run uses a fresh browser context.\n`);

    const figures = {};
    for (const [label, lines, runs] of [
      ['1x', options.lines, options.runs],
      ['10x', options.lines * 10, options.large ? 1 : 0],
    ]) {
      if (runs === 0) continue;
      try {
        figures[label] = printRun(label, await measure(browser, server, lines, runs));
      } catch (err) {
        // A crashed tab or a timeout is a result too: report it and go on.
        console.log(`### ${label}: ${lines} lines\n\nnot measured: ${err.message.split('\n')[0]}\n`);
      }
    }

    console.log('## Budget\n');
    console.log('Each budget is a ratio to JSON.parse of the same statistics in Envoy\'s JSON format, timed in');
    console.log(`the same page. "budget ${RATIO_BUDGET}" means the time from paste to findings is at most ${RATIO_BUDGET.toFixed(1)} x JSON.parse.`);
    console.log(`"budget ${RATIO_BUDGET_10X}" at 10x means ten times the lines take at most ${RATIO_BUDGET_10X} x JSON.parse of the 1x data,`);
    console.log('so the time grows about linearly. The budget\'s figure is the wizard line: the median of the');
    console.log('per-run ratios. The engine line is the part of that time spent in the engine\'s parse and');
    console.log('diagnosis, against the same budget. "OVER" marks a figure above its budget. It is a');
    console.log('measurement, not a failure: this script exits 0 whatever the figures are.\n');
    const base = figures['1x'];
    const large = figures['10x'];
    if (base) {
      console.log(`1x:  wizard / JSON.parse(1x data)  = ${verdict(base.ratio, RATIO_BUDGET)}`);
      console.log(`     engine / JSON.parse(1x data)  = ${verdict(base.engineRatio, RATIO_BUDGET)}`);
      console.log(`     longest task (page not responding) = ${ms(base.longestTask)}`);
    }
    if (base && large) {
      // The 10x budget is about growth: ten times the input may take at most
      // eleven times what JSON.parse needs for the 1x input.
      console.log(`10x: wizard / JSON.parse(1x data)  = ${verdict(large.wizard / base.parse, RATIO_BUDGET_10X)}`);
      console.log(`     wizard / JSON.parse(10x data) = ${large.ratio.toFixed(2)}`);
      console.log(`     wizard(10x) / wizard(1x)      = ${(large.wizard / base.wizard).toFixed(2)}`);
      console.log(`     engine / JSON.parse(1x data)  = ${verdict(large.engine / base.parse, RATIO_BUDGET_10X)}`);
      console.log(`     longest task (page not responding) = ${ms(large.longestTask)}`);
    }

    if (options.profile) {
      console.log(`\n## Where the time goes (V8 sampling profile of one more ${options.lines}-line run)\n`);
      try {
        const { categories, functions } = await profile(browser, server, options.lines, options.profileOut);
        for (const [category, time] of categories) {
          console.log(`${ms(time).padStart(10)}  ${category}`);
        }
        console.log(`\nFunctions with the most self time (top ${PROFILE_TOP_FUNCTIONS}):\n`);
        for (const [name, time] of functions.slice(0, PROFILE_TOP_FUNCTIONS)) {
          console.log(`${ms(time).padStart(10)}  ${name.length > 110 ? `${name.slice(0, 107)}...` : name}`);
        }
      } catch (err) {
        console.log(`not profiled: ${err.message.split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
