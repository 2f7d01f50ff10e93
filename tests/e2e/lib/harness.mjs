// Test registration for the browser tests: each *.test.mjs file calls `test`
// at import time, and run.mjs runs what was registered, one file at a time.

const registered = [];

/**
 * Registers a browser test. `fn` receives the run context:
 * `{ browser, server, newPage, expectConsoleErrors }`.
 */
export function test(name, fn) {
  if (typeof name !== 'string' || typeof fn !== 'function') {
    throw new TypeError('test(name, fn) needs a name and a function');
  }
  registered.push({ name, fn });
}

/** Returns the tests registered since the last call and forgets them. */
export function takeRegistered() {
  return registered.splice(0, registered.length);
}
