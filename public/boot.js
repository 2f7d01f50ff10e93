// Starts the wasm app. Loaded as a file, not inline, so the Content Security
// Policy can forbid inline scripts; Trunk.toml fills in the data attributes.
//
// It also handles the failure banner. The release build aborts on a Rust
// panic, which leaves the wasm instance dead, so the banner's buttons need
// JavaScript that does not depend on it. src/panic.rs draws the banner when
// Rust panics. This file draws the same banner when the wasm fails to load or
// traps without a panic, and it handles the buttons of both banners.
//
// Everything sits in this one file on purpose: the service worker caches the
// files index.html names, and a module this file imported would be missing
// offline.

// The static message of index.html for a browser that blocks this file. This
// file runs, so it is not needed.
document.getElementById('boot-message')?.remove();

// Prefix of the sessionStorage keys the page writes (src/persist.rs).
const STORAGE_PREFIX = 'meshtls.';
// Set by the reload button and removed at the first click or key press
// after the reload. While it is set, src/panic.rs and this file treat an
// error as one that came back before the person did anything, which the
// restored evidence may cause.
const RELOADED_AFTER_ERROR_KEY = 'meshtls.reloaded-after-error';
const REPEAT_TEXT = 'The error came back right after the reload, so the kept evidence may be what causes it. Start over removes it from this tab.';

const BANNER_TEXT = {
  load: {
    heading: 'The wizard could not start',
    body: 'This browser failed to load the wizard\'s WebAssembly code. Evidence and answers from earlier on this tab are kept and come back when the wizard loads.',
  },
  trap: {
    heading: 'The wizard stopped working',
    body: 'An internal error stopped the wizard on this page, so its controls no longer respond. Your pasted evidence and your answers are kept in this tab and come back when you reload, except a paste the page said it could not keep.',
  },
};

// Controls of the dead wizard, made inert as src/panic.rs does.
const DEAD_CONTROLS = 'main > :not(.panic-banner), header button';

// Draws the banner unless one is already shown: src/panic.rs draws it first
// on a panic, and the trap that follows the panic must not add a second.
// It goes at the top of the main landmark. Before the wizard has mounted
// there is none, so the banner brings its own.
function showBanner(kind) {
  if (document.querySelector('[data-testid="panic-banner"]')) return;
  const text = BANNER_TEXT[kind];
  let main = document.querySelector('main');
  const heading = document.createElement(main ? 'h2' : 'h1');
  if (!main) {
    main = document.createElement('main');
    main.id = 'main';
    document.body.prepend(main);
  }

  const banner = document.createElement('div');
  banner.className = 'panel notice error panic-banner';
  banner.setAttribute('role', 'alert');
  banner.setAttribute('aria-labelledby', 'panic-banner-heading');
  banner.dataset.testid = 'panic-banner';
  banner.dataset.reportedBy = 'boot.js';
  heading.id = 'panic-banner-heading';
  heading.textContent = text.heading;
  const body = document.createElement('p');
  body.textContent = text.body;
  const paragraphs = [body];
  // A module that fails to load is not caused by the evidence.
  if (kind === 'trap' && sessionValue(RELOADED_AFTER_ERROR_KEY) !== null) {
    const repeat = document.createElement('p');
    repeat.dataset.testid = 'panic-repeat';
    repeat.textContent = REPEAT_TEXT;
    paragraphs.push(repeat);
  }
  const buttons = document.createElement('p');
  buttons.append(
    bannerButton('Reload, keeping my evidence', 'panic-reset', 'reload', 'primary'),
    ' ',
    bannerButton('Start over', 'panic-start-over', 'start-over', ''),
  );
  const hint = document.createElement('p');
  hint.className = 'hint';
  hint.textContent = 'The browser\'s developer console has the details of the error.';
  banner.append(heading, ...paragraphs, buttons, hint);

  main.prepend(banner);
  for (const element of document.querySelectorAll(DEAD_CONTROLS)) element.setAttribute('inert', '');
  banner.querySelector('[data-panic-action="reload"]').focus();
}

function bannerButton(label, testId, action, className) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.dataset.testid = testId;
  button.dataset.panicAction = action;
  if (className) button.className = className;
  return button;
}

// sessionStorage throws when storage is blocked (a sandboxed frame).
function sessionValue(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function setSessionValue(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // Without storage nothing was kept, so there is nothing to warn about.
  }
}

// "Start over" removes only the page's own keys: an embedding portal on the
// same origin may keep its own data in this tab's sessionStorage.
function forgetStoredState() {
  try {
    const keys = [];
    for (let i = 0; i < sessionStorage.length; i += 1) {
      const key = sessionStorage.key(i);
      if (key?.startsWith(STORAGE_PREFIX)) keys.push(key);
    }
    for (const key of keys) sessionStorage.removeItem(key);
  } catch (error) {
    console.warn(`meshtls: the stored evidence could not be removed (${error.message})`);
  }
}

// One listener for the buttons of either banner, since the Rust banner
// cannot attach handlers once the wasm instance is dead.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-panic-action]') : null;
  if (!button) return;
  if (button.dataset.panicAction === 'reload') {
    setSessionValue(RELOADED_AFTER_ERROR_KEY, '1');
    // The URL fragment carries the walk, and sessionStorage the pastes.
    location.reload();
  } else if (button.dataset.panicAction === 'start-over') {
    forgetStoredState();
    // Without the fragment, which would restore the walk.
    location.replace(location.pathname + location.search);
  }
});

// The first click or key press after a reload shows that the restored page
// worked, so a later error is not one that came back at once.
const forgetReload = (event) => {
  if (event.target instanceof Element && event.target.closest('[data-panic-action]')) return;
  setSessionValue(RELOADED_AFTER_ERROR_KEY, null);
  document.removeEventListener('pointerdown', forgetReload, true);
  document.removeEventListener('keydown', forgetReload, true);
};
if (sessionValue(RELOADED_AFTER_ERROR_KEY) !== null) {
  document.addEventListener('pointerdown', forgetReload, true);
  document.addEventListener('keydown', forgetReload, true);
}

const isTrap = (error) => error instanceof WebAssembly.RuntimeError;
window.addEventListener('error', (event) => {
  if (isTrap(event.error)) showBanner('trap');
});
window.addEventListener('unhandledrejection', (event) => {
  if (isTrap(event.reason)) showBanner('trap');
});

const tag = document.querySelector('script[data-glue][data-wasm]');
try {
  const glue = await import(new URL(tag.dataset.glue, document.baseURI).href);
  await glue.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
} catch (error) {
  // A trap while the app mounts also ends up here, since the glue runs main().
  console.error('meshtls: the wizard failed to start:', error);
  showBanner(isTrap(error) ? 'trap' : 'load');
}
