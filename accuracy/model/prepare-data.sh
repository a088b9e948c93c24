#!/usr/bin/env bash
# Splits the King James Bible (Debian's bible-kjv, public domain) into the training text and the
# held-out text the bundled model is evaluated on. Every 40th chapter (the 20th, 60th, ...) is
# held out, so the held-out text spans the whole book rather than one style of it.
# Usage: accuracy/model/prepare-data.sh TRAIN_OUT HELDOUT_OUT
set -euo pipefail
train=${1:?training text output}
heldout=${2:?held-out text output}
if ! command -v bible >/dev/null; then
  echo "needs the 'bible' command: apt-get install bible-kjv" >&2
  exit 2
fi
mkdir -p "$(dirname "$train")" "$(dirname "$heldout")"
# Lines look like "Ge1:1 In the beginning ...": the reference goes, the verse stays, one per line.
bible -f "Gen1:1-Rev22:21" | awk -v train="$train" -v heldout="$heldout" '
  {
    split($1, ref, ":")
    if (ref[1] != chapter) { chapter = ref[1]; n++ }
    sub(/^[^ ]+ /, "")
    print > ((n % 40 == 20) ? heldout : train)
  }'
echo "train: $(wc -c < "$train") bytes, held-out: $(wc -c < "$heldout") bytes"
