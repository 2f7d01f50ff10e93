#!/usr/bin/env bash
# Measures the performance budget of the built site. It prints the gzip size
# of every file in dist/. In headless Chromium it times how long the wizard
# takes to read and diagnose a generated 50 000-line /stats dump, and one ten
# times larger, as a ratio to JSON.parse of the same statistics as JSON in the
# same page. It prints the figures and never fails on them; docs/benchmarks.md
# records the last ones.
#
# Builds dist/ in release first when it is missing, older than a source file,
# or a debug build (trunk serve writes one there).
#
# Usage: scripts/bench.sh [--lines N] [--runs N] [--no-10x] [--dist DIR]
#                         [--profile] [--profile-out FILE]
#   --lines N          lines of the generated /stats dump (default 50000)
#   --runs N           runs on that dump; the figure is their median (default 3)
#   --no-10x           skips the single run on ten times the lines
#   --dist DIR         measures the site in DIR instead of dist/ (dist/ is
#                      still built first when it is stale)
#   --profile          adds one run under the V8 sampling profiler
#   --profile-out FILE profiles as --profile does and writes the V8 CPU
#                      profile (.cpuprofile JSON) to FILE
# Every option goes to tests/bench/bench.mjs as it is.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh --browser
. scripts/env.sh

needs_build() {
    [ -f dist/index.html ] || { echo "dist/ is missing"; return 0; }
    local newer
    newer=$(find src style public index.html Trunk.toml Cargo.toml Cargo.lock crates/engine/Cargo.toml \
        crates/engine/src -type f -newer dist/index.html -print -quit 2>/dev/null)
    if [ -n "$newer" ]; then
        echo "dist/ is older than $newer"
        return 0
    fi
    # A debug build (trunk serve, trunk build without --release) keeps the
    # wasm "name" section of function names; wasm-opt in the release build
    # strips it.
    local wasm
    for wasm in dist/*.wasm; do
        if node tests/bench/wasm-sections.mjs --has name "$wasm"; then
            echo "dist/ holds a debug build"
            return 0
        fi
    done
    return 1
}

if reason=$(needs_build); then
    echo "Building the site in release mode: $reason"
    trunk build --release --offline --dist dist
fi

exec node tests/bench/bench.mjs "$@"
