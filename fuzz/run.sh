#!/usr/bin/env bash
# Runs the cargo-fuzz targets, one after the other, each for a fixed time.
#
#   fuzz/run.sh <seconds-per-target> [target...]     (default: every target)
#
# Installs what it needs when missing (nightly via rustup, cargo-fuzz into .tools/).
# Each target starts from its committed seeds (fuzz/seeds/<target>/, read only) plus the
# scratch corpus of earlier runs (fuzz/corpus/<target>/, git-ignored, where libFuzzer writes).
# Prints the executions per target and a summary table; exits 1 if any target found a crash
# (saved under fuzz/artifacts/<target>/), a timeout or an out-of-memory.
#
# Environment: FUZZ_SANITIZER (default none: the code under test forbids unsafe, and the
# address sanitizer halves the rate), FUZZ_MAX_LEN (default 4096), FUZZ_TIMEOUT (seconds one
# input may take, default 10), FUZZ_RSS_MB (default 2048).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tools="$root/.tools"
export PATH="$tools/bin:$PATH"

usage() {
    echo "usage: fuzz/run.sh <seconds-per-target> [target...]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
seconds=$1
shift
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage

all_targets=()
for f in "$here"/fuzz_targets/*.rs; do
    all_targets+=("$(basename "$f" .rs)")
done
if [ $# -gt 0 ]; then
    targets=("$@")
    for t in "${targets[@]}"; do
        [ -f "$here/fuzz_targets/$t.rs" ] || {
            echo "unknown target $t (have: ${all_targets[*]})" >&2
            exit 2
        }
    done
else
    targets=("${all_targets[@]}")
fi

# --- tools (idempotent) ---
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "== installing the nightly toolchain (rustup)"
    rustup toolchain install nightly --profile minimal
fi
if ! [ -x "$tools/bin/cargo-fuzz" ]; then
    echo "== installing cargo-fuzz into $tools"
    cargo install cargo-fuzz --version '^0.13' --locked --root "$tools"
fi

sanitizer=${FUZZ_SANITIZER:-none}
max_len=${FUZZ_MAX_LEN:-4096}
timeout=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
build_flags=(--fuzz-dir "$here" -O -a -s "$sanitizer")

cd "$root"
echo "== building ${#targets[@]} fuzz target(s) (nightly, sanitizer: $sanitizer)"
for t in "${targets[@]}"; do
    cargo +nightly fuzz build "${build_flags[@]}" "$t"
done

mkdir -p "$here/logs"
rows=()
failed=0
for t in "${targets[@]}"; do
    corpus="$here/corpus/$t"
    seeds="$here/seeds/$t"
    artifacts="$here/artifacts/$t"
    log="$here/logs/$t.log"
    mkdir -p "$corpus" "$seeds" "$artifacts"
    before=$(find "$artifacts" -type f | sort)
    echo "== $t: ${seconds}s (seeds: $(find "$seeds" -type f | wc -l), log: ${log#"$root"/})"
    started=$(date +%s)
    set +e
    cargo +nightly fuzz run "${build_flags[@]}" "$t" "$corpus" "$seeds" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" \
        -rss_limit_mb="$rss_mb" -print_final_stats=1 >"$log" 2>&1
    status=$?
    set -e
    elapsed=$(($(date +%s) - started))

    # Executions: the final stats line, else "Done N runs", else the last "#N" status line.
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=0
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    # libFuzzer's own count when it ran to the end; wall time when a finding stopped it.
    [ -n "$took" ] && [ "$took" -gt 0 ] || took=$((elapsed > 0 ? elapsed : 1))
    rate=$((execs / took))

    new=$(comm -13 <(printf '%s\n' "$before") <(find "$artifacts" -type f | sort) | sed '/^$/d')
    findings=$(printf '%s' "$new" | grep -c . || true)
    if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
        findings=1 # e.g. a build or startup failure: still a failure
    fi
    if [ "$findings" -gt 0 ]; then
        failed=1
        echo "   FINDING in $t (exit $status): ${execs} execs"
        # The panic message (up to the backtrace), else libFuzzer's own report.
        awk '/panicked at/ {p = 1} p && (/^stack backtrace|^note: |^==[0-9]+==/) {exit}
             p {print "   " $0; if (++n == 12) exit}' "$log"
        grep -q "panicked at" "$log" ||
            grep -m2 -E "ERROR: libFuzzer|SUMMARY:|error(\[E[0-9]+\])?:" "$log" | sed 's/^/   /' || true
        for a in $new; do
            echo "   input: ${a#"$root"/}"
            echo "   replay: cargo +nightly fuzz run ${build_flags[*]} $t ${a#"$root"/}"
            echo "   minimize: cargo +nightly fuzz tmin ${build_flags[*]} $t ${a#"$root"/}"
        done
    else
        echo "   ok: ${execs} execs in ${took}s (${rate}/s), corpus $(find "$corpus" -type f | wc -l)"
    fi
    rows+=("$(printf '%-12s %8s %12s %10s %9s' "$t" "$took" "$execs" "$rate" "$findings")")
done

echo
echo "== fuzz summary"
printf '%-12s %8s %12s %10s %9s\n' target seconds execs execs/s findings
for r in "${rows[@]}"; do
    echo "$r"
done
exit "$failed"
