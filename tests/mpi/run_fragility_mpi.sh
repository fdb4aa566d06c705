#!/bin/sh
# `voigtspin fragility` under mpiexec (docs/fragility.md, "Under mpirun") and the usage errors of `mc` and
# `fragility` under mpiexec. Usage:
#   run_fragility_mpi.sh VOIGTSPIN MPIEXEC "MPIEXEC_ARGS" CASE
# CASE equal_np2: a tiny study (2 materials × 2 sizes) on 2 ranks writes the summary CSV (standard
#   output and -o), the curves CSV and the plot directory (data, gnuplot script, and the PNGs when
#   gnuplot is installed) byte for byte as the serial run;
# CASE restart_np2_np1: SIGTERM to one of 2 ranks during the second point checkpoints it collectively,
#   every rank exits 143 and one message is printed; the study resumed under `mpiexec -n 1` (the first
#   point read back, the second continued) prints exactly the uninterrupted serial CSV;
# CASE usage_mc, usage_fragility: argument and usage errors of `mc` / `fragility` under `mpiexec -n 2`
#   are printed by rank 0 alone (the messages equal the serial run's), with exit code 2; `fragility
#   --help` prints once;
# CASE ladder_vs_ranks: fewer temperatures than ranks (3 on 4) is one usage error, exit 2;
# CASE checkpoint_kinds: a serial checkpoint directory is refused under mpiexec and an MPI one without
#   it (exit 2, one message).
set -u
V=$1 MPIEXEC=$2 MPIARGS=$3 CASE=$4
D=$(mktemp -d "${TMPDIR:-/tmp}/voigtspin-frag-mpi.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT
cd "$D" || exit 1
unset OMPI_COMM_WORLD_SIZE PMI_SIZE PMIX_RANK
A="fragility --sigma 0.1:0.3:2 --L 2,3 --Trel 0.4:2.6:6 --therm 20 --seed 3 --threads 1 --quiet"
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck disable=SC2086
mpirun_() { n=$1; shift; "$MPIEXEC" -n "$n" $MPIARGS "$@"; }
# The number of lines of file $1 that start with "voigtspin" (messages of the program, not of mpiexec).
nmsg() { grep -c "^voigtspin" "$1"; }
# shellcheck disable=SC2086
case $CASE in
equal_np2)
    "$V" $A --sweeps 200 --curves s_curves.csv --plots s_plots > s.csv 2> s.err || fail "serial run: $(cat s.err)"
    [ "$(wc -l < s.csv)" -eq 7 ] || fail "serial summary has not 1 + 4 + 2 lines"
    mpirun_ 2 "$V" $A --sweeps 200 --curves m_curves.csv --plots m_plots > m.csv 2> m.err ||
        fail "mpiexec -n 2 run: $(cat m.err)"
    cmp s.csv m.csv || fail "mpiexec -n 2: the summary differs from the serial run"
    cmp s_curves.csv m_curves.csv || fail "mpiexec -n 2: the curves differ from the serial run"
    for f in s_plots/*; do
        cmp "$f" "m_plots/${f#s_plots/}" || fail "mpiexec -n 2: plot file ${f#s_plots/} differs"
    done
    [ "$(ls m_plots | wc -l)" -eq "$(ls s_plots | wc -l)" ] || fail "the plot directories hold other files"
    mpirun_ 2 "$V" $A --sweeps 200 -o m_out.csv > m_stdout 2> /dev/null || fail "mpiexec -n 2 -o"
    cmp s.csv m_out.csv || fail "mpiexec -n 2 -o: differs from the serial summary"
    [ ! -s m_stdout ] || fail "mpiexec -n 2 -o wrote to standard output"
    echo "OK: mpiexec -n 2 voigtspin fragility writes the serial run's files byte for byte ($(ls m_plots | tr '\n' ' '))"
    ;;
restart_np2_np1)
    B="fragility --sigma 0.1:0.3:2 --L 2 --Trel 0.4:2.6:6 --therm 20 --seed 3 --threads 1 --quiet"
    B="$B --sweeps 3000 --checkpoint-every 1000"
    "$MPIEXEC" -n 2 $MPIARGS "$V" $B --checkpoint-dir ck > out 2> err &
    p=$!
    # signal during the second point, once its first checkpoint is written: the first point is then
    # finished (read back on resume), the second continues from its checkpoint (a fixed sleep would be
    # too short under sanitizers, where MPI_Init alone takes seconds)
    k=0
    while [ ! -f ck/point-001-L2.ckpt ] && [ $k -lt 300 ]; do sleep 0.05; k=$((k + 1)); done
    r=$(ps -o pid= -o comm= --ppid "$p" | awk '$2 == "voigtspin" { pid = $1 } END { print pid }')
    [ -n "$r" ] || fail "no rank process under mpiexec"
    kill -TERM "$r"
    wait $p
    rc=$?
    [ $rc -eq 143 ] || fail "mpiexec exit $rc after SIGTERM to one rank (want 143): $(cat err)"
    [ ! -s out ] || fail "output after an interrupted study"
    [ "$(grep -c 'stopped by signal 15 at point 2/2' err)" -eq 1 ] ||
        fail "no single 'stopped by signal' message in point 2: $(cat err)"
    ls ck/*.ckpt > /dev/null 2>&1 || fail "no checkpoint in ck/"
    mpirun_ 1 "$V" $B --checkpoint-dir ck > resumed.csv 2> err1 || fail "resume on 1 rank: $(cat err1)"
    "$V" $B > serial.csv 2> /dev/null || fail "serial run"
    cmp serial.csv resumed.csv || fail "interrupted on 2 ranks, resumed on 1: differs from the uninterrupted study"
    echo "OK: $(sed -n 's/.*\(stopped by signal 15 at point [^,]*, sweep [0-9]*\).*/\1/p' err) on 2 ranks; resumed on 1 rank = the uninterrupted serial study"
    ;;
usage_mc | usage_fragility)
    # the messages of the program under mpiexec -n 2 are exactly those of the serial run (rank 0's)
    check_once() { # expected exit code, then the command
        want=$1
        shift
        "$V" "$@" > /dev/null 2> serr
        mpirun_ 2 "$V" "$@" > out 2> err
        rc=$?
        [ $rc -eq "$want" ] || fail "mpiexec -n 2 voigtspin $*: exit $rc (want $want): $(cat err)"
        [ "$(nmsg serr)" -ge 1 ] || fail "voigtspin $*: no message in the serial run"
        grep "^voigtspin" err > m1
        grep "^voigtspin" serr > s1
        cmp -s s1 m1 || fail "mpiexec -n 2 voigtspin $*: the messages are not the serial run's: $(cat err)"
    }
    if [ "$CASE" = usage_mc ]; then
        check_once 2 mc --L 2,2,2 --T 0.5,1 --sweeps 10 --no-such-option
        check_once 2 mc --L 2,2,2 --T 0.5,1 --sweeps
        # (here, not below, to keep each case short under sanitizers)
        mpirun_ 2 "$V" fragility --help > out 2> err || fail "fragility --help under mpiexec"
        [ "$(grep -c '^usage: voigtspin fragility' out)" -eq 1 ] ||
            fail "fragility --help printed $(grep -c '^usage' out) times"
        mpirun_ 2 "$V" mc --help > out 2> err || fail "mc --help under mpiexec"
        [ "$(grep -c '^usage: voigtspin mc' out)" -eq 1 ] || fail "mc --help printed $(grep -c '^usage' out) times"
    else
        check_once 2 fragility --sigma 0.9:1:2
        check_once 2 fragility --sigma 0.1:0.2:2 --L 2 --Trel 0.5:2:3 --overlay no-such-file.csv
    fi
    echo "OK: usage errors of ${CASE#usage_} under mpiexec -n 2 are printed by rank 0 alone, exit 2"
    ;;
ladder_vs_ranks)
    mpirun_ 4 "$V" fragility --sigma 0.1:0.2:2 --L 2 --Trel 0.5:2:3 > out 2> err
    rc=$?
    [ $rc -eq 2 ] && [ "$(nmsg err)" -eq 1 ] && grep -q "fewer than the 4 ranks" err ||
        fail "3 temperatures on 4 ranks: exit $rc: $(cat err)"
    echo "OK: fewer temperatures than ranks: one usage error, exit 2"
    ;;
checkpoint_kinds)
    # a serial checkpoint directory under mpiexec, an MPI one without it
    S="fragility --sigma 0.1:0.2:1 --L 2 --Trel 0.4:2.6:4 --therm 5 --sweeps 10 --quiet"
    "$V" $S --checkpoint-dir serial.ck > /dev/null 2>&1 || fail "serial checkpointed study"
    mpirun_ 2 "$V" $S --checkpoint-dir mpi.ck > /dev/null 2>&1 || fail "MPI checkpointed study"
    mpirun_ 2 "$V" $S --checkpoint-dir serial.ck > out 2> err
    rc=$?
    [ $rc -eq 2 ] && [ ! -s out ] && [ "$(nmsg err)" -eq 1 ] && grep -q "written by a serial" err ||
        fail "a serial checkpoint under mpiexec: exit $rc: $(cat err)"
    "$V" $S --checkpoint-dir mpi.ck > out 2> err
    rc=$?
    [ $rc -eq 2 ] && [ ! -s out ] && grep -q "under mpiexec" err || fail "an MPI checkpoint without mpiexec: exit $rc: $(cat err)"
    echo "OK: the checkpoints of the other mode are refused (exit 2, one message)"
    ;;
*) fail "unknown case $CASE" ;;
esac
exit 0
