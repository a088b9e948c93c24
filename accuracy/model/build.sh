#!/usr/bin/env bash
# Rebuilds the bundled model end to end: data split, tokenizer, token ids, training, GGUF.
# Training needs PyTorch (a GPU takes about a minute; the lent H100 did it with the `device`
# tool: carry target/kjv and run `python3 accuracy/model/train.py --data target/kjv --out $OUT/kjv.safetensors`).
# Usage: accuracy/model/build.sh [WEIGHTS.safetensors]   (given weights skip training)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/kjv
accuracy/model/prepare-data.sh "$work/train.txt" accuracy/model/heldout.txt
./gauntlet model tokenizer --text "$work/train.txt" --vocab 4096 --out "$work/tok.gguf"
./gauntlet model tokenize --tokenizer "$work/tok.gguf" --text "$work/train.txt" --out "$work/train.i32"
./gauntlet model tokenize --tokenizer "$work/tok.gguf" --text accuracy/model/heldout.txt --out "$work/heldout.i32"
weights=${1:-$work/kjv.safetensors}
if [[ -z "${1:-}" ]]; then
  python3 accuracy/model/train.py --data "$work" --out "$weights" | tee accuracy/model/train.log
fi
./gauntlet model import --safetensors "$weights" --tokenizer "$work/tok.gguf" --dtype f16 --out accuracy/model/kjv.gguf
