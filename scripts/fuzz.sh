#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ (or the ones named) for SECONDS each and prints
# the executions and crashes per target.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]        # default: 30 s, every target
#
# Only a stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets it accept the nightly flags
# cargo-fuzz passes (-Zsanitizer...). FUZZ_SANITIZER=none turns AddressSanitizer off
# (faster, for platforms where it does not link). New inputs go to a scratch corpus
# seeded from the committed fuzz/corpus/TARGET, so runs never grow the repository;
# crashing inputs are kept in fuzz/artifacts/TARGET/ and make the script exit 1.
set -euo pipefail

seconds="${1:-30}"
shift || true
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here/fuzz"
export RUSTC_BOOTSTRAP=1
sanitizer="${FUZZ_SANITIZER:-address}"

command -v cargo-fuzz >/dev/null || {
    echo "fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 2
}

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build -O --sanitizer "$sanitizer"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
printf '%-18s %12s %8s %s\n' target executions seconds result
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" "corpus/$target"
    log="$work/$target.log"
    status=ok
    # -rss_limit_mb: a trainer or loader that blows up memory on a tiny input is a bug too.
    if ! cargo fuzz run -O --sanitizer "$sanitizer" "$target" "$work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        status="CRASH (see fuzz/artifacts/$target/, log $here/fuzz/artifacts/$target.log)"
        mkdir -p artifacts
        cp "$log" "artifacts/$target.log"
        failed=1
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
    printf '%-18s %12s %8s %s\n' "$target" "${runs:-?}" "$seconds" "$status"
done
exit "$failed"
