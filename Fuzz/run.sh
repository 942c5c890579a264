#!/usr/bin/env bash
# Builds the fuzz targets and runs each one in turn: Fuzz/run.sh [SECONDS-PER-TARGET [TARGET ...]]
#
#   Fuzz/run.sh                 every target for 30 s
#   Fuzz/run.sh 10              every target for 10 s (the short mode for CI)
#   Fuzz/run.sh 120 FuzzGzip    one target for 2 minutes
#
# First every file of Fuzz/Regressions/<Target>/ is run once through its target, with the sanitizers on. Then
# each target starts from a temporary copy of its seed corpus (Fuzz/Corpus/<Target>; the copy grows as the
# fuzzer finds new coverage and is thrown away, so the committed corpus stays small). A crash, a timeout (one
# input running over 5 s) or running out of memory (over 2 GiB) stops that target; the input that did it is
# kept in Fuzz/Findings/<Target>/ and the script exits 1 after the remaining targets have run. Move the input
# to Fuzz/Regressions/<Target>/ when the parser is fixed: the tests then feed it to the parser on every run.
# See docs/reliability.md, "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
targets=(
    FuzzIDXImages
    FuzzIDXLabels
    FuzzGzip
    FuzzConfigJSON
    FuzzWeightsFile
    FuzzCommandLine
    FuzzCheckpoint
    FuzzNPZ
)
if [ $# -gt 0 ]; then targets=("$@"); fi
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: Fuzz/run.sh [SECONDS-PER-TARGET [TARGET ...]]" >&2
    exit 64
fi

scratch=.build-fuzz
export PTRAIN_FUZZ=1
for target in "${targets[@]}"; do
    echo "fuzz: building $target"
    # The fuzzer's coverage instrumentation and AddressSanitizer go on every module (Model included), hence
    # -Xswiftc rather than settings in Package.swift. The gold warning about __asan_extra_spill_area is harmless.
    swift build -c release --scratch-path "$scratch" --product "$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 |
        grep -v -e "__asan_extra_spill_area" -e "^\[" || true
    if [ ! -x "$scratch/release/$target" ]; then
        echo "fuzz: $target did not build" >&2
        exit 1
    fi
done

mkdir -p "$scratch/fuzz-logs"
# The kept regression inputs, once each, with the sanitizers on (`swift test` replays them without).
replay_failed=()
for target in "${targets[@]}"; do
    inputs=()
    if [ -d "Fuzz/Regressions/$target" ]; then
        while IFS= read -r -d '' file; do inputs+=("$file"); done \
            < <(find "Fuzz/Regressions/$target" -type f -print0 | sort -z)
    fi
    [ ${#inputs[@]} -gt 0 ] || continue
    log="$scratch/fuzz-logs/$target.regressions.log"
    if "$scratch/release/$target" "${inputs[@]}" >"$log" 2>&1; then
        echo "fuzz: $target: ${#inputs[@]} regression inputs ok"
    else
        echo "fuzz: $target FAILS on a regression input; log $log" >&2
        replay_failed+=("$target")
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ptrain-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()
printf '\n%-16s %12s %9s %6s %8s %8s  %s\n' target executions exec/s cov corpus rss result
for target in "${targets[@]}"; do
    corpus="$work/$target"
    mkdir -p "$corpus" "Fuzz/Findings/$target"
    if [ -d "Fuzz/Corpus/$target" ]; then cp -R "Fuzz/Corpus/$target/." "$corpus/"; fi
    seeds=$(find "$corpus" -type f | wc -l)
    log="$scratch/fuzz-logs/$target.log"
    status=0
    "$scratch/release/$target" "$corpus" \
        -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="Fuzz/Findings/$target/" >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ -z "$executions" ]; then executions=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1); fi
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    cov=$(sed -n 's/^#[0-9].* cov: \([0-9]*\) .*/\1/p' "$log" | tail -1)
    inputs=$(find "$corpus" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        result=ok
        rmdir "Fuzz/Findings/$target" 2>/dev/null || true
    else
        cause=$(grep -m1 -o -e 'ERROR: libFuzzer: [a-z-]*' -e 'ERROR: AddressSanitizer: [a-z-]*' \
            -e 'Fatal error:.*' "$log" || echo 'see log')
        result="FAILED (exit $status): $cause"
        failed+=("$target")
    fi
    printf '%-16s %12s %9s %6s %8s %8s  %s\n' "$target" "${executions:-?}" "${rate:-?}" "${cov:-?}" \
        "$seeds→$inputs" "${rss:-?}MB" "$result"
done
rmdir Fuzz/Findings 2>/dev/null || true

if [ ${#replay_failed[@]} -gt 0 ]; then
    echo "fuzz: regression inputs fail again in: ${replay_failed[*]}" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo >&2
    for target in "${failed[@]}"; do
        echo "fuzz: $target failed; log $scratch/fuzz-logs/$target.log; input(s):" >&2
        ls -1 "Fuzz/Findings/$target/" | sed "s|^|  Fuzz/Findings/$target/|" >&2
    done
    echo "fuzz: reproduce with $scratch/release/<Target> <input>" >&2
fi
if [ ${#failed[@]} -gt 0 ] || [ ${#replay_failed[@]} -gt 0 ]; then exit 1; fi
echo "fuzz: no crashes, timeouts or out-of-memory in ${#targets[@]} targets × ${seconds} s"
