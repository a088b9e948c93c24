#!/usr/bin/env bash
# Compares two builds of the engine benchmarks (A and B) in one JVM pinned to the given CPUs
# (default one CPU, so one engine thread): the benchmark method of each build timed in
# alternating slices, the order swapped every round (dev.gauntlet.bench.InProcessAB). Steadier
# than paired-ab.sh when the two vCPUs of this VM run at different speeds; paired-ab.sh keeps
# JMH's own harness.
#
# usage: inprocess-ab.sh [--slice SECONDS] [--rounds N] [--cpus 0,1] A.jar B.jar Benchmark.method [param=value ...]
#   e.g. inprocess-ab.sh old.jar new.jar MatmulBenchmark.matmul type=Q4_0 batch=8 threads=1
#        inprocess-ab.sh --slice 2 --cpus 0,1 old.jar new.jar DecodeStepBenchmark.decodeStep quant=q4_0 batch=1
# AB_JAVA_OPTS adds JVM options, which apply to both builds alike (e.g. a -XX:CompileCommand that
# keeps a kernel from being inlined, to see whether an inlining decision is what differs).
set -euo pipefail

slice=1 rounds=6 cpus=0
while [[ "${1:-}" == --* ]]; do
    case $1 in
        --slice) slice=$2 ;;
        --rounds) rounds=$2 ;;
        --cpus) cpus=$2 ;;
        *) echo "inprocess-ab.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
if (( $# < 3 )); then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
a=$1 b=$2 target=$3
shift 3
for jar in "$a" "$b"; do
    [[ -f "$jar" ]] || { echo "inprocess-ab.sh: no such jar: $jar" >&2; exit 2; }
done
# The harness comes from this checkout's build, so that A and B may predate it.
tool=$(dirname "$0")/target/benchmarks.jar
[[ -f "$tool" ]] || { echo "inprocess-ab.sh: build $tool first: ./mvnw -pl reference-engine/engine-bench -am install -DskipTests" >&2; exit 2; }
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
IFS=, read -ra cpu_list <<< "$cpus"
exec taskset -c "$cpus" "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx12g ${AB_JAVA_OPTS:-} \
    -XX:ActiveProcessorCount=${#cpu_list[@]} -cp "$tool" dev.gauntlet.bench.InProcessAB "$a" "$b" "$target" "$slice" "$rounds" "$@"
