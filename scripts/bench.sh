#!/usr/bin/env bash
# The headline benchmark set (docs/PERFORMANCE.md): FMA peak and the vector forward kernel, with
# GFLOP/s and the ratio to the peak measured in the same run. ~10 minutes; --quick takes ~2.
#
#   scripts/bench.sh [--quick] [--json FILE]     headline table (JMH JSON in jmh-result.json)
#   scripts/bench.sh --jmh <JMH args...>         any JMH run, e.g.
#       scripts/bench.sh --jmh ForwardBenchmark -p n=4096 -p headDim=128 -p causal=false -p threads=1 -prof gc
#     (-prof gc reports gc.alloc.rate.norm: bytes allocated per call)
#       scripts/bench.sh --jmh OnnxPeerBenchmark -p n=4096 -p headDim=64 -p threads=1
#     (the engine and ONNX Runtime on the same inputs, same run: docs/PERFORMANCE.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/find-jdk25.sh)
export JAVA_HOME
jar=jmh/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find engine/src jmh/src -newer "$jar" -name '*.java' -print -quit)" ]; then
  echo "building the benchmarks (./mvnw -pl jmh -am package)..." >&2
  ./mvnw -q -B -pl jmh -am -DskipTests package >&2
fi
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector)
if [ "${1:-}" = "--jmh" ]; then
  shift
  exec "${java[@]}" -jar "$jar" "$@"
fi
lscpu 2>/dev/null | grep -E 'Model name|^Flags' | sed 's/^Flags:.*\(avx512f\).*/Flags: AVX-512/; s/^Flags:.*avx2.*/Flags: AVX2/' >&2 || true
exec "${java[@]}" -cp "$jar" org.attention4j.jmh.Headline "$@"
