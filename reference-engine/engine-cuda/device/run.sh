#!/usr/bin/env bash
# Runs on the lent GPU machine (device tool) from the bundle prepare.sh made: the module's tests,
# GPU ones included, then the decode benchmark. Full logs go to $OUT; the benchmark's table is
# printed last.
#   bash .gpu/engine-cuda/run.sh [tests|bench|all|profile] [benchmark options...]
# "profile" times every kernel of about one 8b Q8_0 batch-1 decode step under Nsight Compute
# (launched kernels, not the graph) and sums them by kernel.
set -uo pipefail
BUNDLE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/gauntlet-cuda-out}
mkdir -p "$OUT"
WHAT=${1:-all}
shift || true
tar -xJf "$BUNDLE/jre.tar.xz" -C /tmp
JAVA=(/tmp/jre/bin/java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)
nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.max.sm,power.limit --format=csv > "$OUT/gpu.txt" 2>&1
cat "$OUT/gpu.txt"
status=0
if [ "$WHAT" = tests ] || [ "$WHAT" = all ]; then
  # From the module copy: the PTX freshness test reads src/main/cuda. The launcher does not
  # expand "lib/*", so the jars are listed.
  (cd "$BUNDLE/module" && "${JAVA[@]}" -Xmx16g -jar "$BUNDLE/junit-console.jar" execute \
    --class-path "$BUNDLE/test-classes:$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')" --scan-class-path "$BUNDLE/test-classes" \
    --details=tree --disable-banner) > "$OUT/tests.log" 2>&1 || status=1
  grep -E "tests (successful|failed|skipped|aborted)|✘|↷" "$OUT/tests.log" | cut -c1-400 | head -60
fi
if [ "$WHAT" = bench ] || [ "$WHAT" = all ]; then
  "${JAVA[@]}" -Xmx8g -cp "$BUNDLE/lib/*" dev.gauntlet.engine.cuda.bench.CudaDecodeBenchmark --out "$OUT/bench.md" "$@" \
    2>&1 | tee "$OUT/bench.log" || status=1
fi
if [ "$WHAT" = profile ]; then
  ncu --clock-control none --target-processes all --csv --metrics gpu__time_duration.sum --launch-skip 1300 \
    --launch-count 325 "${JAVA[@]}" -cp "$BUNDLE/lib/*" dev.gauntlet.engine.cuda.bench.CudaDecodeBenchmark \
    --shapes 8b --types q8_0 --batches 1 --steps 8 --prefill 0 "$@" > "$OUT/ncu.csv" 2> "$OUT/ncu.log" || status=1
  python3 "$BUNDLE/profile_step.py" "$OUT/ncu.csv" | tee "$OUT/profile.txt"
fi
exit $status
