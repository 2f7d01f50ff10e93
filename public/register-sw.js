// Registers the service worker (sw.js) that keeps the wizard working offline,
// and installs a new one when a new build has been deployed.
//
// After each load it reads the deployed index.html and config.json from the
// network (cache mode "no-store", which sw.js always passes to the network),
// hashes them into the build version and registers "./sw.js?build=<version>"
// with the page's folder as scope. The same version registers nothing new; a
// new build gives a new script URL, so the browser installs a new worker,
// which fills a new cache and deletes the old one. Offline, the read fails and
// the installed worker goes on serving the cached build.
//
// Loaded as a file (no inline script), so the page's Content Security Policy
// allows it.

(() => {
  'use strict';

  // Service workers need http(s) and a secure context (https, or
  // http://localhost); from file:// or a plain-http host the page runs
  // without one, exactly as before.
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  if (location.protocol !== 'https:' && location.protocol !== 'http:') return;
  if (!window.crypto || !window.crypto.subtle) return;

  const folder = new URL('./', location.href);
  // What the version is computed from. config.json is not hashed by the
  // build, so a portal that edits only config.json still gets a new version.
  // sw.js caches the same two files.
  const VERSIONED_FILES = ['index.html', 'config.json'];

  async function deployedVersion() {
    const parts = [];
    for (const file of VERSIONED_FILES) {
      const response = await fetch(new URL(file, folder), { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok && file === 'index.html') return null;
      // A host may leave config.json out: it then counts as empty.
      parts.push(`${file}\n${response.ok ? await response.text() : ''}`);
    }
    const bytes = new TextEncoder().encode(parts.join('\n\u0000\n'));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function start() {
    // Offline: nothing to compare with; the installed worker stays.
    if (navigator.onLine === false) return;
    let version;
    try {
      version = await deployedVersion();
    } catch {
      return;
    }
    if (!version) return;
    try {
      await navigator.serviceWorker.register(`./sw.js?build=${version}`, {
        scope: './',
        updateViaCache: 'none',
      });
    } catch (error) {
      // A sandboxed frame or blocked storage: the page works without it.
      console.warn(`meshtls: the offline copy could not be set up (${error.message})`);
    }
  }

  if (document.readyState === 'complete') {
    start();
  } else {
    window.addEventListener('load', start, { once: true });
  }
})();
