#!/usr/bin/env bash
# Runs every cargo-fuzz target of the engine for a while, one after another,
# and copies any crash input into the corpus so the replay test keeps it.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# The stable toolchain builds the fuzz targets with RUSTC_BOOTSTRAP=1, because
# no nightly toolchain can be fetched on these machines.
set -euo pipefail

cd "$(dirname "$0")/../crates/engine"

seconds=${1:-600}
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    printf '\n==> %s for %s s\n' "$target" "$seconds"
    # One job: the machine has two cores and the build of the next target needs one.
    cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        2>&1 | tee "fuzz/artifacts/$target/last-run.log" | grep -E '^(#[0-9]+ +DONE|Done|==[0-9]+==|SUMMARY|artifact_prefix)' || true
    for crash in "fuzz/artifacts/$target"/crash-* "fuzz/artifacts/$target"/timeout-*; do
        [ -e "$crash" ] || continue
        kept="fuzz/corpus/$target/regression-$(basename "$crash")"
        # An input kept by an earlier run is not a new crash.
        [ -e "$kept" ] && continue
        cp "$crash" "$kept"
        echo "kept $crash as a regression input"
    done
done
