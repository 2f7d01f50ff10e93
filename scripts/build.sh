#!/usr/bin/env bash
# Installs what is missing, then builds the static site into dist/ for hosting.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

trunk build --release --offline --dist dist
echo "The site is in dist/: copy the folder to any static host, under any path."
