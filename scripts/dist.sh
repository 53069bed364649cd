#!/usr/bin/env bash
# Builds the CLI as a download that needs no JDK and no network:
#   cli/target/dist/attention4j-<version>/          bin/attention4j (scripts/attention4j, which sees the
#                                                   runtime beside it), lib/attention4j.jar, runtime/
#   cli/target/dist/attention4j-<version>-<os>-<arch>.zip
# runtime/ is a jlink image of the JDK modules the CLI uses, with --add-modules jdk.incubator.vector
# linked in as a default option. It runs on the OS and CPU architecture of the JDK that built it.
# Arguments go to Maven, e.g. scripts/dist.sh -o (offline). Then runs the result once as a check.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
JAVA_HOME="$("$root/scripts/find-jdk25.sh")" || exit 2
export JAVA_HOME
for tool in zip unzip; do
  command -v "$tool" >/dev/null || { echo "dist.sh: needs $tool" >&2; exit 2; }
done

(cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
   ./mvnw -B -q -pl cli -am package -DskipTests "$@")
jar="$root/cli/target/attention4j.jar"
version="$(unzip -p "$jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *//p' | tr -d '\r')"
name="attention4j-$version"
dist="$root/cli/target/dist"
out="$dist/$name"
rm -rf "$out" "$dist/$name"-*.zip
mkdir -p "$out/bin" "$out/lib"

# The modules the jar's classes refer to, plus the two it reaches only by name, which jdeps cannot see:
# the Vector API (KernelProvider) and HotSpotDiagnosticMXBean (JitCompiler, MachineInfo).
feature="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p')"
modules="$("$JAVA_HOME/bin/jdeps" --multi-release "$feature" --ignore-missing-deps --print-module-deps "$jar")"
modules="$modules,jdk.incubator.vector,jdk.management"
# No --compress: the image is larger on disk (97 against 65 MB) but its zip smaller (33 against 41 MB),
# since zip compresses the module file better than jlink does. No CDS archive (+8 MB zipped).
# A JDK without jmods/ links from its own run-time image (JEP 493; Temurin 25 can).
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --add-options=--add-modules=jdk.incubator.vector --output "$out/runtime" 2>&1 \
  | { grep -v '^WARNING: Using incubator modules' || true; } >&2

cp "$jar" "$out/lib/"
cp "$root/scripts/attention4j" "$out/bin/attention4j"
chmod +x "$out/bin/attention4j"
for f in LICENSE NOTICE; do
  if [ -f "$root/$f" ]; then cp "$root/$f" "$out/"; fi
done

# The check: the runtime has the Vector API and everything a chart needs (java.desktop).
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
info="$("$out/bin/attention4j" info --no-peak)"
grep -q '^Kernel: *vector-' <<<"$info" || { echo "dist.sh: the image did not choose the vector kernel:" >&2; echo "$info" >&2; exit 1; }
"$out/bin/attention4j" profile --seq 16,32 --heads 1 --head-dim 8 --threads 1 --warmup 0 --iterations 1 \
  --min-time 0 -q --output "$check/p.txt" --chart "$check/p.svg"
"$out/bin/attention4j" profile --seq 16,32 --heads 1 --head-dim 8 --threads 1 --warmup 0 --iterations 1 \
  --min-time 0 -q --output "$check/p.txt" --chart "$check/p.png"

zip_name="$name-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m).zip"
(cd "$dist" && zip -qr -y "$zip_name" "$name")
echo "dist.sh: $out ($(du -sh "$out" | cut -f1); runtime $(du -sh "$out/runtime" | cut -f1), jar $(du -h "$jar" | cut -f1))"
echo "dist.sh: $dist/$zip_name ($(du -h "$dist/$zip_name" | cut -f1))"
