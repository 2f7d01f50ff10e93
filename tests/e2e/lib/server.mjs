// A static file server for the built site, mounted under a sub-path so the
// tests prove that dist/ works from any folder of a host, not only from "/".

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

// How long close() lets requests in flight finish before it drops them.
const CLOSE_GRACE_MS = 5_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Starts serving `root` at http://127.0.0.1:<free port><basePath>.
 * Every request is appended to `requests` (method, path and the status sent), so a test can
 * check what the page asked the server for. Paths outside `basePath` get 404,
 * which makes an absolute asset URL ("/main.js") fail loudly.
 */
export async function startServer(root, basePath) {
  if (!basePath.startsWith('/') || !basePath.endsWith('/')) {
    throw new Error(`basePath must start and end with "/", got ${basePath}`);
  }
  const requests = [];
  const rootDir = normalize(root);

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = { method: req.method, path: url.pathname, status: 0 };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!url.pathname.startsWith(basePath)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not under the base path');
      return;
    }

    let relative = decodeURIComponent(url.pathname.slice(basePath.length));
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = normalize(join(rootDir, relative));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) {
      res.writeHead(403).end();
      return;
    }

    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0 asks the kernel for a free port; loopback only.
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: origin + basePath,
    requests,
    // Stops the server. server.close() alone waits for every open connection
    // to end, and a browser may keep one busy (a service worker's fetch) for
    // any length of time. `force` drops them at once, as a stopped host would.
    // Without it, they get CLOSE_GRACE_MS to finish first.
    close: ({ force = false } = {}) =>
      new Promise((resolve) => {
        server.close(resolve);
        if (force) {
          server.closeAllConnections();
        } else {
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        }
      }),
  };
}
