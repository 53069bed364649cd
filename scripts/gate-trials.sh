#!/usr/bin/env bash
# Measures how the gate behaves on this machine (docs/GATE.md, "Measured on this machine"):
#  1. false alarms: one baseline of the built-in scenarios, then N unchanged `gate check` runs;
#  2. sensitivity: a synthetic scenario checked with injected slowdowns (x1.05 ... x1.25), 10 runs each.
# Usage: scripts/gate-trials.sh [OUT_DIR] [N_FALSE_ALARM_RUNS]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/gate-trials}"
runs="${2:-20}"
mkdir -p "$out"
a4j="$root/scripts/attention4j"

echo "== false alarms: $runs unchanged checks of the built-in scenarios" | tee "$out/summary.txt"
"$a4j" gate record --out "$out/baseline.json" > "$out/record.txt" 2>&1
alarms=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$a4j" gate check --baseline "$out/baseline.json" --json "$out/check-$i.json" > "$out/check-$i.txt" 2>&1
  code=$?
  end=$(date +%s.%N)
  [ "$code" -eq 1 ] && alarms=$((alarms + 1))
  printf 'run %2d: exit %d, %.1f s, %s\n' "$i" "$code" "$(echo "$end - $start" | bc)" \
    "$(grep -E '^[0-9]+ scenarios' "$out/check-$i.txt")" | tee -a "$out/summary.txt"
done
echo "false alarms: $alarms of $runs" | tee -a "$out/summary.txt"

echo "== sensitivity: synthetic scenario, 10 checks per injected slowdown" | tee -a "$out/summary.txt"
echo '[{"name": "spin", "kind": "synthetic", "work": 1000000}]' > "$out/synthetic.json"
"$a4j" gate record --out "$out/synthetic-baseline.json" --scenarios "$out/synthetic.json" > /dev/null 2>&1
for factor in 1.00 1.05 1.10 1.15 1.20 1.25; do
  caught=0
  for i in $(seq 1 10); do
    JAVA_OPTS="-Dattention4j.gate.syntheticSlowdown=$factor" \
      "$a4j" gate check --baseline "$out/synthetic-baseline.json" > "$out/synthetic-$factor-$i.txt" 2>&1
    [ $? -eq 1 ] && caught=$((caught + 1))
  done
  echo "slowdown x$factor: regression in $caught of 10" | tee -a "$out/summary.txt"
done
