#!/usr/bin/env bash
# Compiles src/main/cuda/*.cu to the PTX resources the backend loads, and records the SHA-256 of
# every CUDA source next to them (sources.sha256) so that a CPU-only test can tell when the
# committed PTX is stale. Run it after editing any file under src/main/cuda and commit both.
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
SRC=src/main/cuda
OUT=src/main/resources/dev/gauntlet/engine/cuda/kernels
mkdir -p "$OUT"
for cu in "$SRC"/*.cu; do
  name=$(basename "$cu" .cu)
  # sm_90 (H100/H200); no fast-math, so divisions and square roots round as the CPU model's do.
  "$NVCC" -arch=sm_90 -ptx -O3 -o "$OUT/$name.ptx" "$cu"
done
(cd "$SRC" && sha256sum $(ls | LC_ALL=C sort)) > "$OUT/sources.sha256"
echo "PTX written to $OUT"
