#!/usr/bin/env bash
# Run here (not on the GPU machine). Packs what `campaign --backend cuda` needs on the GPU machine
# into two carries, because together they exceed the device tool's 64 MiB beside the checkout:
#   .gpu/campaign-1: a jlinked JDK 25 with the modules Spring Boot and Gatling use, and the CLI's
#                    classes (xz: a solid archive of class files is half the size of the jar)
#   .gpu/campaign-2: the server jar, JCuda's natives cut to the driver API's library
# Then two device calls back to back (the second must find the machine still warm):
#   carry [".gpu/campaign-1"]: bash .gpu/campaign-1/unpack.sh
#   carry [".gpu/campaign-2"]: bash .gpu/campaign-2/campaign.sh [campaign flags]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -B -o package -DskipTests -pl cli,reference-engine/engine-server -am
ONE=.gpu/campaign-1
TWO=.gpu/campaign-2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
rm -rf "$ONE" "$TWO" && mkdir -p "$ONE" "$TWO"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.desktop,java.sql,\
java.naming,java.management,jdk.management,java.net.http,java.instrument,jdk.httpserver,jdk.zipfs,java.xml,java.compiler,\
java.scripting,java.security.jgss,jdk.crypto.ec --strip-debug --no-header-files --no-man-pages --output "$WORK/jre"
tar -C "$WORK" -cJf "$ONE/jre.tar.xz" jre
mkdir "$WORK/cli"
(cd "$WORK/cli" && unzip -q "$ROOT/cli/target/gauntlet.jar" \
  && rm -rf lib/libJNvPTXCompiler* lib/libJNvrtc* lib/libJCudaRuntime* lib/osx* lib/windows* lib/linux-aarch64 \
    META-INF/native/*windows* META-INF/native/*osx* META-INF/native/*aarch* \
  && tar -c . | xz -6 -T0 > "$ROOT/$ONE/cli.tar.xz")   # only Linux x86-64 natives travel
cp reference-engine/engine-server/target/engine-server.jar "$TWO/"
(cd "$WORK" && unzip -q "$ROOT/$TWO/engine-server.jar" 'BOOT-INF/lib/jcuda-natives*' \
  && zip -q -d BOOT-INF/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*' \
  && zip -q -0 -u "$ROOT/$TWO/engine-server.jar" BOOT-INF/lib/jcuda-natives-*.jar)   # nested jars stay stored
cat > "$ONE/unpack.sh" <<'UNPACK'
set -e
mkdir -p /tmp/gauntlet/cli
tar -xJf .gpu/campaign-1/jre.tar.xz -C /tmp/gauntlet
tar -xJf .gpu/campaign-1/cli.tar.xz -C /tmp/gauntlet/cli
/tmp/gauntlet/jre/bin/java -version 2>&1 | head -1
UNPACK
cat > "$TWO/campaign.sh" <<'CAMPAIGN'
set -o pipefail
test -x /tmp/gauntlet/jre/bin/java || { echo "the machine went cold: run unpack.sh again first" >&2; exit 3; }
# The jar's manifest opens java.lang and java.nio; run from the unpacked classes, the flags do it.
/tmp/gauntlet/jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -Dgauntlet.home="$PWD" -Dgauntlet.server.jar="$PWD/.gpu/campaign-2/engine-server.jar" \
  -cp /tmp/gauntlet/cli dev.gauntlet.cli.GauntletCommand campaign --backend cuda --out /tmp/gauntlet/run "$@" 2>&1 \
  | grep -v '^\(INFO\|DEBUG\|[0-9][0-9]:\|>\|-\|=\|Parsing\|Generating\|Reports\|          \)' | tee "$OUT/campaign.log"
cp /tmp/gauntlet/run/results.json "$OUT/"
CAMPAIGN
du -sh "$ONE" "$TWO"
