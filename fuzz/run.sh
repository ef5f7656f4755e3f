#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each on the stable toolchain and exits non-zero when any
# of them crashed, printing the reproducer's path.
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# cargo-fuzz is installed on first use into $TIDINGS_TOOLS (default ~/.cache/tidings-tools), and
# the instrumented build goes to its own target dir, so warm runs only fuzz. Each target starts
# from its hand-written seeds (fuzz/seeds/TARGET), the corpus grown by earlier runs (kept in
# ~/.cache/tidings-fuzz-corpus/TARGET) and, when ../shared is beside the checkout, inputs from
# the shared data sets (read at run time, never copied into the repo).
#
# Stable Rust: `--sanitizer none` is cargo-fuzz's mode without AddressSanitizer, the only one
# that passes no -Z flag to rustc. Panics, failed invariants, overflow checks, debug assertions,
# timeouts and runaway memory are still found; out-of-bounds reads in unsafe code are not
# (the crates fuzzed here have no unsafe code of their own).
set -euo pipefail
cd "$(dirname "$0")"
fuzz_dir=$(pwd)

seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(feed_parse extract_html sanitize text_page quotes enrich markdown)

tools=${TIDINGS_TOOLS:-$HOME/.cache/tidings-tools}
export CARGO_TARGET_DIR=${TIDINGS_FUZZ_TARGET:-$HOME/.cache/tidings-fuzz-target}
export CARGO_INCREMENTAL=0
corpus_root=${TIDINGS_FUZZ_CORPUS:-$HOME/.cache/tidings-fuzz-corpus}
shared=${TIDINGS_SHARED:-$fuzz_dir/../../shared}
export PATH="$tools/bin:$PATH"

if ! command -v cargo-fuzz >/dev/null; then
  echo "installing cargo-fuzz into $tools"
  env -u CARGO_TARGET_DIR cargo install --locked --quiet --root "$tools" cargo-fuzz
fi
cargo fuzz --version

# 16 codegen units: a much faster cold build on two cores for slightly slower fuzzing.
fuzz_flags=(--sanitizer none --codegen-units 16 --target-dir "$CARGO_TARGET_DIR")
echo "building the fuzz targets"
start=$(date +%s)
cargo fuzz build "${fuzz_flags[@]}"
echo "built in $(($(date +%s) - start)) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Shared inputs for one target, as directories libFuzzer reads (recursively). JSON Lines data
# sets are split into one file per record.
shared_inputs() {
  local target=$1 datasets=$shared/datasets
  case $target in
    feed_parse) echo "$datasets/feedparser-tests" ;;
    extract_html) echo "$datasets/extraction/dev/html" ;;
    text_page) echo "$shared/seed" ;;
    quotes | enrich) split_jsonl "$target" text "$datasets/quotes/polnear-dev.jsonl" ;;
    markdown | sanitize) split_jsonl "$target" payload "$datasets/xss-vectors/dompurify/expect.jsonl" \
      "$datasets/xss-vectors/h5sc/items.jsonl" ;;
  esac
}

split_jsonl() {
  local target=$1 field=$2
  shift 2
  local out=$work/$target
  mkdir -p "$out"
  python3 - "$out" "$field" "$@" <<'PY' && echo "$out"
import json, sys
out, field, files = sys.argv[1], sys.argv[2], sys.argv[3:]
n = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        for line in f:
            value = json.loads(line).get(field) if line.strip() else None
            if isinstance(value, str):
                n += 1
                with open(f"{out}/{n:04}", "w", encoding="utf-8") as o:
                    o.write(value)
PY
}

failed=()
for target in "${targets[@]}"; do
  corpus=$corpus_root/$target
  mkdir -p "$corpus" "$fuzz_dir/artifacts/$target"
  inputs=("$corpus" "$fuzz_dir/seeds/$target")
  for dir in $(shared_inputs "$target"); do
    [ -d "$dir" ] && inputs+=("$dir")
  done
  touch "$work/start-$target"
  echo "=== fuzzing $target for $seconds s (inputs: ${inputs[*]})"
  # -max_len: large pages from the data sets are read whole but mutants stay small and fast.
  if ! cargo fuzz run "${fuzz_flags[@]}" "$target" "${inputs[@]}" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -print_final_stats=1 >"$work/$target.log" 2>&1; then
    failed+=("$target")
    # The panic message first (the tail is mostly libFuzzer's report and a long input).
    grep -m 1 -A 3 'panicked at' "$work/$target.log" | cut -c 1-3000 || true
    tail -n 30 "$work/$target.log" | cut -c 1-3000
    echo "--- $target crashed; reproducers (run: cargo fuzz run --sanitizer none $target FILE):"
    find "$fuzz_dir/artifacts/$target" -type f -newer "$work/start-$target" -printf '  %p\n'
  else
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done [0-9]+ runs' "$work/$target.log" \
      | tr '\n' ' '
    echo
  fi
done

# The plain closing line CI readers count: one "test" per target.
echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets ran $seconds s each without a crash"
