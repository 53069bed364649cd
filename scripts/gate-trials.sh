#!/usr/bin/env bash
# Measures how the gate behaves on this machine (docs/GATE.md, "Measured on this machine"):
#  1. false alarms: N unchanged checks of the built-in scenarios;
#  2. sensitivity: a synthetic scenario checked with injected slowdowns (x1.05 ... x1.25), 10 runs each.
# Usage: scripts/gate-trials.sh [--against] [OUT_DIR] [N_FALSE_ALARM_RUNS]
# N_FALSE_ALARM_RUNS = 0 skips part 1; GATE_TRIAL_FACTORS="1.10 1.15" picks the slowdowns of part 2.
# Default mode: the stored-baseline check (one `gate record`, then `gate check --baseline`).
# --against: the same-run check (`gate check --against`), this build against a copy of its own jar (a
# self-check: any regression verdict is a false alarm); the slowdown is injected into the current build only.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode=baseline
if [ "${1:-}" = "--against" ]; then mode=against; shift; fi
out="${1:-$root/target/gate-trials-$mode}"
runs="${2:-20}"
mkdir -p "$out"
a4j="$root/scripts/attention4j"

if [ "$mode" = against ]; then
  "$a4j" --version > /dev/null  # builds the CLI if needed
  cp "$root/cli/target/attention4j.jar" "$out/self.jar"
  check=("$a4j" gate check --against "$out/self.jar")
else
  "$a4j" gate record --out "$out/baseline.json" > "$out/record.txt" 2>&1
  check=("$a4j" gate check --baseline "$out/baseline.json")
fi

echo "== false alarms ($mode): $runs unchanged checks of the built-in scenarios" | tee "$out/summary.txt"
alarms=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "${check[@]}" --json "$out/check-$i.json" > "$out/check-$i.txt" 2>&1
  code=$?
  end=$(date +%s.%N)
  [ "$code" -eq 1 ] && alarms=$((alarms + 1))
  printf 'run %2d: exit %d, %.1f s, %s\n' "$i" "$code" "$(echo "$end - $start" | bc)" \
    "$(grep -E '^[0-9]+ scenarios' "$out/check-$i.txt")" | tee -a "$out/summary.txt"
done
echo "false alarms: $alarms of $runs" | tee -a "$out/summary.txt"

echo "== sensitivity ($mode): synthetic scenario, 10 checks per injected slowdown" | tee -a "$out/summary.txt"
echo '[{"name": "spin", "kind": "synthetic", "work": 1000000}]' > "$out/synthetic.json"
if [ "$mode" = against ]; then
  synthetic=("$a4j" gate check --against "$out/self.jar" --scenarios "$out/synthetic.json")
else
  "$a4j" gate record --out "$out/synthetic-baseline.json" --scenarios "$out/synthetic.json" > /dev/null 2>&1
  synthetic=("$a4j" gate check --baseline "$out/synthetic-baseline.json")
fi
for factor in ${GATE_TRIAL_FACTORS:-1.00 1.05 1.10 1.15 1.20 1.25}; do
  caught=0
  for i in $(seq 1 10); do
    JAVA_OPTS="-Dattention4j.gate.syntheticSlowdown=$factor" \
      "${synthetic[@]}" --json "$out/synthetic-$factor-$i.json" > "$out/synthetic-$factor-$i.txt" 2>&1
    [ $? -eq 1 ] && caught=$((caught + 1))
  done
  echo "slowdown x$factor: regression in $caught of 10" | tee -a "$out/summary.txt"
done
