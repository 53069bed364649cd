#!/usr/bin/env bash
# Prints the home of a JDK 25 or newer: $JAVA_HOME if it is one, else the first found in the usual
# places. Exits 1 with a message naming what to install when there is none. Source-safe: no `set -e`.
jdk_feature() { # prints the feature version (17, 25, ...) of the java in $1/bin, or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}
is_jdk25() { local v; v=$(jdk_feature "$1"); [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null && [ -x "$1/bin/javac" ]; }

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi
for d in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
         "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -d "$d" ] && candidates+=("$d")
done
for c in "${candidates[@]}"; do
  if is_jdk25 "$c"; then echo "$c"; exit 0; fi
done
echo "attention4j needs a JDK 25 (or newer) and found none (looked at \$JAVA_HOME, the java on PATH," \
     "/usr/lib/jvm, /opt/java, ~/.sdkman, ~/.jdks). Install one, e.g. Eclipse Temurin 25" \
     "(https://adoptium.net), and set JAVA_HOME to it." >&2
exit 1
