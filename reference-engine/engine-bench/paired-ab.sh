#!/usr/bin/env bash
# Compares two builds of the engine benchmarks (A and B) on a shared, noisy host.
#
# Runs taken one after the other swing by tens of percent here, more than most kernel changes
# are worth. So A and B run at the same time, each pinned to its own CPU with one engine thread,
# then again with the CPUs swapped (one CPU of a VM can be slower for a while): whatever slows
# the host slows both, and each round's B/A ratio keeps the difference. Benchmarks that read
# memory share its bandwidth; use this for single-thread kernel comparisons (-p threads=1).
#
# usage: paired-ab.sh [--rounds N] A.jar B.jar JMH-ARGS...
#   e.g. paired-ab.sh old.jar new.jar MatmulBenchmark -p type=Q4_0 -p batch=1 -p threads=1 -f 1 -wi 2 -i 5
set -euo pipefail

rounds=2
if [[ "${1:-}" == "--rounds" ]]; then
    rounds=$2
    shift 2
fi
if (( $# < 3 )); then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
a=$1 b=$2
shift 2
for jar in "$a" "$b"; do
    [[ -f "$jar" ]] || { echo "paired-ab.sh: no such jar: $jar" >&2; exit 2; }
done
(( $(nproc) >= 2 )) || { echo "paired-ab.sh: needs 2 CPUs, this machine has $(nproc)" >&2; exit 2; }
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One JMH run of $2 on CPU $1 into $3.csv; JMH's lock would serialise the two runs.
run() {
    taskset -c "$1" "$java" -XX:ActiveProcessorCount=1 -Djmh.ignoreLock=true -jar "$2" "${@:4}" \
        -jvmArgsPrepend -XX:ActiveProcessorCount=1 -rf csv -rff "$3.csv" > "$3.log" 2>&1 \
        || { echo "paired-ab.sh: run of $2 failed, see its log:" >&2; tail -20 "$3.log" >&2; exit 1; }
}

# Prints "benchmark params | A score | B score | B/A" for the primary metric of every row.
compare() {
    awk -F, -v round="$3" '
        { gsub(/"/, "") }
        FNR == 1 || $1 ~ /:/ { next }
        {
            key = $1
            sub(/.*\./, "", key)
            for (i = 8; i <= NF; i++) key = key " " $i
            if (FNR == NR) { scoreA[key] = $5 } else if (key in scoreA) {
                printf "%s  %-40s  A %10.1f  B %10.1f  B/A %.3f\n", round, key, scoreA[key], $5, $5 / scoreA[key]
            }
        }' "$1" "$2"
}

for r in $(seq "$rounds"); do
    # wait on the background run's own pid, so that its failure stops the script (set -e).
    run 0 "$a" "$out/a0" "$@" & pid=$!; run 1 "$b" "$out/b1" "$@"; wait "$pid"
    compare "$out/a0.csv" "$out/b1.csv" "round $r, A on cpu0, B on cpu1:"
    run 1 "$a" "$out/a1" "$@" & pid=$!; run 0 "$b" "$out/b0" "$@"; wait "$pid"
    compare "$out/a1.csv" "$out/b0.csv" "round $r, A on cpu1, B on cpu0:"
done
