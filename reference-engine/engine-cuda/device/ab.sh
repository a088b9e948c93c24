#!/usr/bin/env bash
# A/B timing on the lent GPU machine: runs CudaDecodeBenchmark once per engine-cuda jar in the
# bundle's variants/ folder (variants/NAME.jar in place of the bundle's own engine-cuda jar; the
# other jars are shared), ROUNDS times, alternating, and prints each run's graph-replay rows.
# Here: build the bundle with prepare.sh, then copy each variant's
# reference-engine/engine-cuda/target/engine-cuda-*.jar to BUNDLE/variants/NAME.jar (a variant
# that differs only in its kernels can be the same jar with other PTX zipped in). There:
#   VARIANTS="main mine" ROUNDS=2 bash .gpu/NAME/ab.sh --shapes 8b --types q4_0 --batches 1 --prefill 0
# Full logs go to $OUT/NAME-ROUND.log.
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
tar -xJf "$B/jre.tar.xz" -C /tmp
JAVA=(/tmp/jre/bin/java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx8g)
LIBS=$(ls "$B"/lib/*.jar | grep -v '/engine-cuda-[^/]*\.jar$' | tr '\n' ':')
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.limit --format=csv,noheader
for round in $(seq 1 ${ROUNDS:-2}); do
  for v in ${VARIANTS:?name the variants}; do
    "${JAVA[@]}" -cp "$B/variants/$v.jar:$LIBS" dev.gauntlet.engine.cuda.bench.CudaDecodeBenchmark "$@" > "$OUT/$v-$round.log" 2>&1
    echo "$v r$round: $(grep -m2 -E 'graph|Exception|rror' "$OUT/$v-$round.log" | cut -c1-200 | tr '\n' ' ')"
  done
done
