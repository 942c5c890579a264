#!/usr/bin/env bash
# Soak (issue #6, docs/reliability.md): trains CONFIG with one thread, checkpoints every 2 minutes and at every
# epoch's end, and kills the run every 4-9 minutes (SIGKILL and SIGTERM alternating), resuming it each time,
# until it completes. Compare the result with an uninterrupted run of the same configuration:
#   docs/scripts/soak.sh .build/release/ptrain CONFIG OUT_DIR LOG
#   ptrain train --config CONFIG --threads 2 --out REFERENCE_DIR
#   python3 docs/scripts/compare_runs.py OUT_DIR REFERENCE_DIR
set -u
BIN=$1; CONFIG=$2; OUT=$3; LOG=$4
cd "$(dirname "$0")/../.."
start=$(date +%s)
echo "soak start $(date -u +%FT%TZ) bin=$BIN config=$CONFIG out=$OUT" >> "$LOG"
leg=0
while true; do
  leg=$((leg+1))
  if [ -f "$OUT/latest.ckpt" ]; then
    args=(train --resume "$OUT" --threads 1 --checkpoint-every 2m)
  else
    args=(train --config "$CONFIG" --threads 1 --checkpoint-every 2m --out "$OUT")
  fi
  nice -n 10 "$BIN" "${args[@]}" > "$OUT.leg$leg.log" 2>&1 &
  pid=$!
  wait_s=$((240 + RANDOM % 300))
  for ((i=0; i<wait_s; i++)); do
    sleep 1
    if ! kill -0 $pid 2>/dev/null; then break; fi
  done
  if kill -0 $pid 2>/dev/null; then
    if [ $((leg % 2)) -eq 1 ]; then sig=KILL; else sig=TERM; fi
    kill -$sig $pid
    wait $pid; rc=$?
    echo "leg $leg: killed with SIG$sig after ${wait_s}s, exit $rc, $(grep -c '' "$OUT/metrics.csv" 2>/dev/null) metrics lines; $("$BIN" inspect "$OUT/latest.ckpt" 2>/dev/null | grep -m1 -i 'epoch .* of')" >> "$LOG"
  else
    wait $pid; rc=$?
    echo "leg $leg: exited by itself with $rc after $(( $(date +%s) - start ))s total" >> "$LOG"
    [ $rc -eq 0 ] && break
    [ $leg -gt 60 ] && break
  fi
done
echo "soak end $(date -u +%FT%TZ), $(( $(date +%s) - start )) s, $leg legs" >> "$LOG"
