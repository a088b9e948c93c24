#!/usr/bin/env bash
# Runs on the lent GPU machine (device tool) from the bundle prepare.sh made: the module's tests,
# GPU ones included, then the decode benchmark. Full logs go to $OUT; the benchmark's table is
# printed last.
#   bash .gpu/engine-cuda/run.sh [tests|bench|all|profile|suite] [benchmark options...]
# TEST_CLASS=dev.gauntlet... runs one test class instead of all.
# "suite" runs what users run with --backend cuda: the module's backend test, `gauntlet generate`
# and `gauntlet accuracy` (CPU F32 reference against the GPU's F16, Q8_0 and Q4_0) on the bundled
# model, then the F16 decode benchmark of the 1b and 8b shapes at batch 1 and 64 and the PyTorch
# peer (Hugging Face, bf16) on the same shapes, with ours over its tokens/s.
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
SELECT=(--scan-class-path "$BUNDLE/test-classes")
if [ -n "${TEST_CLASS:-}" ]; then SELECT=(--select-class "$TEST_CLASS"); fi
if [ "$WHAT" = tests ] || [ "$WHAT" = all ] || [ "$WHAT" = suite ]; then
  [ "$WHAT" = suite ] && SELECT=(--select-class dev.gauntlet.engine.cuda.backend.CudaBackendTest)
  # From the module copy: the PTX freshness test reads src/main/cuda. The launcher does not
  # expand "lib/*", so the jars are listed.
  (cd "$BUNDLE/module" && "${JAVA[@]}" -Xmx16g -jar "$BUNDLE/junit-console.jar" execute \
    --class-path "$BUNDLE/test-classes:$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')" "${SELECT[@]}" \
    --details=tree --disable-banner) > "$OUT/tests.log" 2>&1 || status=1
  grep -E "tests (successful|failed|skipped|aborted)|✘|↷" "$OUT/tests.log" | cut -c1-400 | head -60
fi
if [ "$WHAT" = bench ] || [ "$WHAT" = all ]; then
  "${JAVA[@]}" -Xmx8g -cp "$BUNDLE/lib/*" dev.gauntlet.engine.cuda.bench.CudaDecodeBenchmark --out "$OUT/bench.md" "$@" \
    2>&1 | tee "$OUT/bench.log" || status=1
fi
if [ "$WHAT" = suite ]; then
  GAUNTLET=("${JAVA[@]}" -Xmx16g -cp "$BUNDLE/lib/*" dev.gauntlet.cli.GauntletCommand)
  M="$BUNDLE/../../accuracy/model"
  "${GAUNTLET[@]}" generate --backend cuda --model "$M/kjv.gguf" --prompt "In the beginning" --max-tokens 48 \
    2>&1 | tee "$OUT/generate.log" || status=1
  "${GAUNTLET[@]}" accuracy --backend cuda --model "$M/kjv.gguf" --text "$M/heldout.txt" --out "$OUT/accuracy" \
    > "$OUT/accuracy.log" 2>&1 || status=1
  "${JAVA[@]}" -Xmx8g -cp "$BUNDLE/lib/*" dev.gauntlet.engine.cuda.bench.CudaDecodeBenchmark --out "$OUT/bench.md" \
    --shapes 1b,8b --types f16 --batches 1,64 --prefill 0 "$@" > "$OUT/bench.log" 2>&1 || status=1
  PYTHONUNBUFFERED=1 python3 "$BUNDLE/torch_peer.py" --shapes 1b,8b --batches 1,64 --out "$OUT/torch.json" \
    --ours "$OUT/bench.md" > "$OUT/torch.log" 2>&1 || status=1
  tail -5 "$OUT/bench.log"; cat "$OUT/accuracy.log"; tail -8 "$OUT/torch.log"
fi
if [ "$WHAT" = profile ]; then
  ncu --clock-control none --target-processes all --csv --metrics gpu__time_duration.sum --launch-skip 1300 \
    --launch-count 325 "${JAVA[@]}" -cp "$BUNDLE/lib/*" dev.gauntlet.engine.cuda.bench.CudaDecodeBenchmark \
    --shapes 8b --types q8_0 --batches 1 --steps 8 --prefill 0 "$@" > "$OUT/ncu.csv" 2> "$OUT/ncu.log" || status=1
  python3 "$BUNDLE/profile_step.py" "$OUT/ncu.csv" | tee "$OUT/profile.txt"
fi
exit $status
