#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/, one after another.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# runs each named target (every target when none is named) for SECONDS
# seconds, without a sanitizer (about seven times faster; the targets
# check their own invariants). Each target's corpus starts from the
# real reports under tcps-core/tests/data (ingest targets) or from a
# demo journal, its checkpoint and a proof bundle (evidence targets),
# so the fuzzer begins from valid input. A crash leaves its input in
# fuzz/artifacts/TARGET/ and the script exits non-zero; add the input
# to tcps-core/tests/ingest_crashes.rs or the evidence tests as a
# regular test.
#
# Needs cargo-fuzz (`cargo install --locked cargo-fuzz`); runs on stable
# through RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
export RUSTC_BOOTSTRAP=1
# A cached failed probe of the compiler makes cargo fuzz keep failing.
rm -f fuzz/target/.rustc_info.json

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

data=tcps-core/tests/data
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT

# Evidence seeds: a demo journal, its checkpoint, a bundle for a SKU.
evidence_seeds() {
    [ -f "$seeds/demo.jsonl" ] && return 0
    cargo run --quiet -p tcps-cli -- --journal "$seeds/demo.jsonl" demo >/dev/null
    cargo run --quiet -p tcps-cli -- --journal "$seeds/demo.jsonl" checkpoint \
        >"$seeds/checkpoint.txt"
    cargo run --quiet -p tcps-cli -- --journal "$seeds/demo.jsonl" prove SKU-000002 \
        >"$seeds/bundle.json"
    head -n 1 "$seeds/demo.jsonl" >"$seeds/receipt.json"
}

# seed TARGET: copies the target's starting inputs into its corpus.
seed() {
    local target=$1 corpus=fuzz/corpus/$1
    mkdir -p "$corpus"
    local dirs=()
    case $target in
    ingest_rustc_json | ingest_compiler_log) dirs=("$data/diagnostics") ;;
    ingest_*) dirs=("$data/${target#ingest_}") ;;
    journal_open) evidence_seeds && cp "$seeds/demo.jsonl" "$corpus/" ;;
    receipt_reader) evidence_seeds && cp "$seeds/receipt.json" "$corpus/" ;;
    checkpoint_parse) evidence_seeds && cp "$seeds/checkpoint.txt" "$corpus/" ;;
    bundle_verify) evidence_seeds && cp "$seeds/bundle.json" "$corpus/" ;;
    esac
    local dir
    for dir in "${dirs[@]}"; do
        [ -d "$dir" ] && find "$dir" -type f ! -name '*.md' -exec cp {} "$corpus/" \;
    done
    return 0
}

for target in "${targets[@]}"; do
    seed "$target"
    echo "== $target (${seconds}s)"
    (cd fuzz && cargo fuzz run "$target" --sanitizer none -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1)
done
