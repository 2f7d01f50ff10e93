#!/usr/bin/env bash
# Installs what is missing, then serves the wizard on http://127.0.0.1:8080/
# with live rebuilds. Usage: scripts/serve.sh [PORT]
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

exec trunk serve --offline --address 127.0.0.1 --port "${1:-8080}"
