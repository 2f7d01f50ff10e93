#!/usr/bin/env bash
# Installs what is missing (the build tools, Chromium, the Node packages), then
# runs every test: formatting, clippy with warnings denied, the native tests,
# the engine's wasm32 build, the release build of the site and the browser tests.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh --browser
. scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }

step "Formatting"
cargo fmt --all --check

step "Clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p meshtls-web --target wasm32-unknown-unknown --locked -- -D warnings

step "Native tests"
cargo test --workspace --locked

step "Engine build for wasm32"
cargo build -p meshtls-engine --target wasm32-unknown-unknown --locked

step "Release build of the site"
trunk build --release --offline --dist dist

step "Browser tests"
node tests/e2e/run.mjs
