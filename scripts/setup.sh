#!/usr/bin/env bash
# Installs whatever this machine lacks to build (and, with --browser, to test)
# the wizard. Safe to run again: each step checks first and skips what is there.
#
# Usage: scripts/setup.sh [--browser]
set -euo pipefail

cd "$(dirname "$0")/.."

# trunk 0.22 needs a newer rustc than the one these machines carry.
TRUNK_VERSION=0.21.14

want_browser=false
for arg in "$@"; do
    case "$arg" in
        --browser) want_browser=true ;;
        *) echo "setup.sh: unknown option: $arg (expected --browser)" >&2; exit 2 ;;
    esac
done

step() { printf '\n==> %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    step "Installing trunk $TRUNK_VERSION (about 7 minutes)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly, or
# trunk's bindings step fails. `--locked` does not resolve for it, so it is left out.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
    echo "setup.sh: no wasm-bindgen entry found in Cargo.lock" >&2
    exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen_version\$"; then
    step "Installing wasm-bindgen-cli $bindgen_version (about 2 minutes)"
    cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if $want_browser && [ ! -x /usr/bin/chromium ]; then
    step "Installing Chromium from Debian's packages"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

# wasm-opt comes from the npm package binaryen because trunk cannot download it
# here; playwright-core and axe-core drive and check the page in the browser tests.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "Installing the Node packages (binaryen, playwright-core, axe-core)"
    npm ci --no-audit --no-fund
fi
