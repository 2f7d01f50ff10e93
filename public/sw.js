// Service worker of the meshtls wizard: keeps the page's own files in a cache
// named after the build, so the wizard opens and works offline once it has
// been loaded once.
//
// - Scope: the folder of the page (register-sw.js registers "./sw.js" with
//   scope "./"), so the site works under any sub-path of any static host.
// - Version: register-sw.js passes the build version in the script URL
//   ("sw.js?build=<version>"), a hash of the built index.html and config.json.
//   A new build changes that URL, so the browser installs a new worker. The
//   new worker fills a new cache and, on activation, deletes the caches of
//   earlier builds of the same folder. Copies of the wizard in other folders
//   of the origin keep their caches.
// - What it caches: index.html, every same-folder file that index.html names
//   (trunk's hashed glue, wasm and CSS, boot.js, icons) and config.json, which
//   the page fetches at run time. Nothing else is stored.
// - How it responds: cache first for those files, the network for anything
//   else. A request with cache mode "no-store" always goes to the network:
//   register-sw.js uses it to read the deployed index.html when it looks for a
//   new build.

'use strict';

const SCOPE = new URL(self.registration.scope);
const BUILD = new URL(self.location.href).searchParams.get('build') || 'unversioned';
// Cache names carry the folder, so that activation only deletes this folder's
// old caches.
const CACHE_PREFIX = `meshtls ${SCOPE.pathname} `;
const CACHE_NAME = CACHE_PREFIX + BUILD;
const INDEX_URL = new URL('index.html', SCOPE).href;
// Files the page loads at run time that index.html does not name. A missing
// one (a host that removed config.json) does not stop the install.
const RUNTIME_FILES = ['config.json'];

// Attributes of index.html whose values are URLs of the site's own files:
// src and href, and the data-glue and data-wasm of boot.js's script tag. The
// value may be unquoted, as trunk's HTML minifier writes it in release builds.
const URL_ATTRIBUTE = /\s(?:src|href|data-glue|data-wasm)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;

self.addEventListener('install', (event) => {
  event.waitUntil(
    precache().then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || request.cache === 'no-store') return;
  const url = new URL(request.url);
  if (!inScope(url)) return;
  event.respondWith(respond(request, url));
});

// Lets a page ask which build this worker serves and from which cache; the
// browser tests use it to check that an update has taken over.
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'meshtls:sw-version' && event.ports[0]) {
    event.ports[0].postMessage({ type: 'meshtls:sw-version', build: BUILD, cache: CACHE_NAME });
  }
});

async function precache() {
  const index = await fetchFile(INDEX_URL);
  if (!index) throw new Error(`meshtls service worker: ${INDEX_URL} could not be fetched`);
  const html = await index.clone().text();

  // Fetch everything before storing anything, so that a failed file leaves
  // no half-filled cache behind and the install is retried on the next visit.
  const entries = [[SCOPE.href, index.clone()], [INDEX_URL, index]];
  for (const url of assetUrls(html)) {
    const response = await fetchFile(url);
    if (!response) throw new Error(`meshtls service worker: ${url} could not be fetched`);
    entries.push([url, response]);
  }
  for (const file of RUNTIME_FILES) {
    const url = new URL(file, SCOPE).href;
    const response = await fetchFile(url).catch(() => null);
    if (response) entries.push([url, response]);
  }

  const cache = await caches.open(CACHE_NAME);
  await Promise.all(entries.map(([url, response]) => cache.put(url, response)));
}

// Fetches one file past the HTTP cache (the cache must hold what the server
// has now) and reads its body at once: a response left unread keeps its
// connection, and the browser's six connections per host would run out.
// Returns null for a status other than 2xx.
async function fetchFile(url) {
  const response = await fetch(new Request(url, { cache: 'no-cache', credentials: 'same-origin' }));
  if (!response.ok) return null;
  const body = await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

// The same-folder URLs that index.html names, without duplicates.
function assetUrls(html) {
  const urls = new Set();
  for (const match of html.matchAll(URL_ATTRIBUTE)) {
    const raw = (match[1] ?? match[2] ?? match[3] ?? '').trim();
    if (raw === '' || raw.startsWith('#') || raw.startsWith('data:')) continue;
    let url;
    try {
      url = new URL(raw.replace(/&amp;/g, '&'), INDEX_URL);
    } catch {
      continue;
    }
    url.hash = '';
    if (inScope(url) && url.href !== SCOPE.href && url.href !== INDEX_URL) urls.add(url.href);
  }
  return urls;
}

function inScope(url) {
  return url.origin === SCOPE.origin && url.pathname.startsWith(SCOPE.pathname);
}

async function respond(request, url) {
  const cache = await caches.open(CACHE_NAME);
  // The page is stored once, whatever its query (?embed=1&parent=...).
  const cached = isPageUrl(url) ? await cache.match(INDEX_URL) : await cache.match(request);
  return cached ?? fetch(request);
}

// The folder itself or its index.html. Other files of the folder, such as
// embed-example.html, are not the page.
function isPageUrl(url) {
  return url.pathname === SCOPE.pathname || url.href.split(/[?#]/)[0] === INDEX_URL;
}
