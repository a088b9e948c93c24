#!/usr/bin/env bash
# Run here (not on the GPU machine). Builds engine-core and engine-cuda with their tests, and the
# CLI with the accuracy suite, and makes a self-contained bundle for the GPU machine in the
# repository's git-ignored .gpu/ folder (or in $1): a jlinked JDK 25 as jre.tar.xz, the runtime
# jars (the CLI's without Gatling and Spring, which campaigns and the server need and which do
# not fit the device tool's 64 MiB; JCuda's natives cut to the driver API's library), the test
# classes, JUnit's console launcher, the CUDA sources (the PTX freshness test reads them), run.sh
# and the PyTorch peer. The bundled model travels with the checkout.
# Then call the device tool with carry [".gpu/engine-cuda"] and command
# "bash .gpu/engine-cuda/run.sh all".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BUNDLE=${1:-$ROOT/.gpu/engine-cuda}
cd "$ROOT"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$BUNDLE"
if [ ! -f "$BUNDLE/jre.tar.xz" ]; then
  rm -rf "$BUNDLE/jre"
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.management \
    --strip-debug --no-header-files --no-man-pages --output "$BUNDLE/jre"
  tar -C "$BUNDLE" -cJf "$BUNDLE/jre.tar.xz" jre && rm -rf "$BUNDLE/jre"
fi
./mvnw -q -B -o package -DskipTests -pl reference-engine/engine-core,reference-engine/engine-cuda,load,accuracy,cli
./mvnw -q -B -o test-compile -pl reference-engine/engine-core,reference-engine/engine-cuda
rm -rf "$BUNDLE/lib" "$BUNDLE/test-classes" "$BUNDLE/module"
mkdir -p "$BUNDLE/lib" "$BUNDLE/module/src/main"
./mvnw -q -B -o dependency:copy-dependencies -pl reference-engine/engine-cuda -DincludeScope=runtime \
  -DexcludeGroupIds=dev.gauntlet -DoutputDirectory="$BUNDLE/lib"
./mvnw -q -B -o dependency:copy-dependencies -pl cli -DincludeScope=runtime \
  -DincludeArtifactIds=picocli,HdrHistogram -DoutputDirectory="$BUNDLE/lib"
cp reference-engine/engine-core/target/engine-core-*.jar reference-engine/engine-cuda/target/engine-cuda-*.jar \
  load/target/gauntlet-load-*.jar accuracy/target/gauntlet-accuracy-*.jar cli/target/gauntlet-cli.jar "$BUNDLE/lib/"
# Only the driver API is used: JCuda's runtime, NVRTC and PTX-compiler libraries (24 MB) stay behind.
zip -q -d "$BUNDLE"/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
cp -r reference-engine/engine-cuda/target/test-classes "$BUNDLE/test-classes"
cp -r reference-engine/engine-cuda/src/main/cuda "$BUNDLE/module/src/main/cuda"
cp ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.13.4/junit-platform-console-standalone-1.13.4.jar \
  "$BUNDLE/junit-console.jar"
cp reference-engine/engine-cuda/device/run.sh reference-engine/engine-cuda/device/ab.sh reference-engine/engine-cuda/device/profile_step.py \
  reference-engine/engine-cuda/device/torch_peer.py "$BUNDLE/"
du -sh "$BUNDLE"
