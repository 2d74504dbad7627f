#!/usr/bin/env bash
# Runs every check of the project, the same way locally and in CI.
#
# First installs what a fresh Debian 12 machine lacks (Chromium for the
# HTML report test, cargo-fuzz for the short fuzz runs), then runs each
# check, prints one line per check and ends with
#   checks: N passed, N failed
# The exit status is non-zero when any check failed.
#
# Environment:
#   TCPS_FUZZ_SECONDS  seconds per fuzz target (default 20; 0 skips fuzzing)
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
log_dir=${TCPS_LOG_DIR:-target/check-logs}
mkdir -p "$log_dir"

# check NAME COMMAND...: runs the command, logs its output, counts it.
check() {
    local name=$1
    shift
    local log="$log_dir/$name.log"
    local start=$SECONDS
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name ($((SECONDS - start))s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAIL $name ($((SECONDS - start))s), last lines of $log:"
        tail -n 40 "$log" | sed 's/^/     /'
    fi
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_prerequisites() {
    local missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    if [ ${#missing[@]} -gt 0 ]; then
        as_root apt-get update -qq &&
            as_root env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    if [ "${TCPS_FUZZ_SECONDS:-20}" != 0 ] && ! cargo fuzz --version >/dev/null 2>&1; then
        cargo install --locked cargo-fuzz
    fi
}

run_tests() {
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest run --workspace --lib --bins --tests --no-fail-fast
    else
        cargo test --workspace --lib --bins --tests --no-fail-fast
    fi
}

run_fuzz() {
    [ -d fuzz ] || return 0
    ./scripts/fuzz.sh "${TCPS_FUZZ_SECONDS:-20}"
}

check prerequisites install_prerequisites
check fmt cargo fmt --all -- --check
check clippy cargo clippy --workspace --all-targets -- -D warnings
check no-default-features cargo clippy -p tcps-core --no-default-features -- -D warnings
check docs env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
check tests run_tests
check doctests cargo test --workspace --doc
check benches cargo bench --workspace -- --test
check demo cargo run --quiet -p tcps-cli -- demo
if [ "${TCPS_FUZZ_SECONDS:-20}" != 0 ]; then
    check fuzz run_fuzz
fi

if [ $failed -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "checks: $passed passed, $failed failed"
[ $failed -eq 0 ]
