#!/bin/sh
# Wall time of `voigtspin fragility` and how it scales with the lattice size L and the number of
# materials (docs/fragility.md, docs/performance.md "Fragility study"). One thread, the default
# ladder (16 temperatures), short runs (--sweeps 500 --therm 100: the cost is linear in the sweeps).
#   usage: bench/bench_fragility.sh [path/to/voigtspin]   (default build/tools/voigtspin)
set -eu
V=${1:-build/tools/voigtspin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # label, then the fragility arguments
    label=$1
    shift
    t0=$(date +%s.%N)
    "$V" fragility "$@" --sweeps 500 --therm 100 --threads 1 --quiet -o "$tmp/out.csv"
    t1=$(date +%s.%N)
    printf '%-28s %8.2f s\n' "$label" "$(echo "$t1 - $t0" | bc -l)"
}
echo "# per point: 600 sweeps of 16 replicas (sc, elastic kernel with its contact term)"
for L in 3 4 5 6 8; do
    run "L = $L, 1 material" --sigma 0.3:0.3:1 --L "$L"
done
for n in 1 2 4; do
    run "L = 4, $n materials" --sigma 0.1:0.3:"$n" --L 4
done
run "L = 4,6, 2 materials" --sigma 0.1:0.3:2 --L 4,6
