// The built site the browser tests load: dist/ at the repository root, or the
// folder named by MESHTLS_DIST, so several builds can be tested side by side.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const DIST = process.env.MESHTLS_DIST ? resolve(process.env.MESHTLS_DIST) : resolve(ROOT, 'dist');

