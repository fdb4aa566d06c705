#!/bin/sh
# `voigtspin mc` under mpiexec (docs/cli.md, "mc under mpirun"). Usage:
#   run_mc_mpi.sh VOIGTSPIN MPIEXEC "MPIEXEC_ARGS" CASE
# CASE equal_np1 | equal_np2: `mpiexec -n N voigtspin mc … --csv` (and --table on 2 ranks; and
#   --fields clock with --clock-near) equals the serial
#   `voigtspin mc … --csv` byte for byte (the MPI ladder is the serial chain bit for bit);
# CASE restart_np2_np1: a run saved on 2 ranks after 40 measured sweeps and resumed on 1 rank prints
#   exactly the uninterrupted serial run's output;
# CASE serial_no_mpi: a plain run never initialises MPI (with an MCA setting under which MPI_Init
#   fails, shown by the same setting failing under mpiexec, it still runs and prints the same output);
# CASE refusals: a serial checkpoint is refused under mpiexec and an MPI one without it (exit 2, clear
#   message); --fields clock without --clock-near under mpiexec is a usage error (exit 2);
# CASE signal_np2: SIGTERM to one of 2 ranks checkpoints collectively, exits 143, and resumes exactly.
set -u
V=$1 MPIEXEC=$2 MPIARGS=$3 CASE=$4
D=$(mktemp -d "${TMPDIR:-/tmp}/voigtspin-mc-mpi.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT
cd "$D" || exit 1
unset OMPI_COMM_WORLD_SIZE PMI_SIZE PMIX_RANK
A="mc --L 2,2,2 --threads 1 --quiet --T 0.3,0.5,0.8,1.2,2 --therm 20 --seed 11"
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck disable=SC2086
mpirun_() { n=$1; shift; "$MPIEXEC" -n "$n" $MPIARGS "$@"; }
# shellcheck disable=SC2086
case $CASE in
equal_np1 | equal_np2)
    n=${CASE#equal_np}
    "$V" $A --sweeps 80 --csv > serial.csv || fail "serial run"
    [ "$(wc -l < serial.csv)" -eq 6 ] || fail "serial output has not 1 + 5 lines"
    mpirun_ "$n" "$V" $A --sweeps 80 --csv > mpi.csv || fail "mpiexec -n $n run"
    cmp serial.csv mpi.csv || fail "mpiexec -n $n --csv differs from the serial --csv"
    # the clock sweep too (an explicit near set), also with the BLAS library on 2 threads in the
    # serial run: the clock tables must not follow the eigen-solver's last bits
    OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 "$V" $A --sweeps 40 --csv --fields clock --clock-near 4 \
        > serial_clock.csv || fail "serial clock run"
    mpirun_ "$n" "$V" $A --sweeps 40 --csv --fields clock --clock-near 4 > mpi_clock.csv \
        || fail "mpiexec -n $n clock run"
    cmp serial_clock.csv mpi_clock.csv || fail "mpiexec -n $n --fields clock differs from the serial run"
    if [ "$n" = 2 ]; then
        "$V" $A --sweeps 80 --table > serial.txt || fail "serial --table"
        mpirun_ 2 "$V" $A --sweeps 80 --table -o mpi.txt || fail "mpiexec -n 2 --table -o"
        cmp serial.txt mpi.txt || fail "mpiexec -n 2 --table -o differs from the serial table"
    fi
    echo "OK: mpiexec -n $n voigtspin mc equals the serial run byte for byte"
    ;;
restart_np2_np1)
    "$V" $A --sweeps 80 --csv > serial.csv || fail "serial run"
    mpirun_ 2 "$V" $A --sweeps 40 --csv --checkpoint ck > half.csv || fail "2-rank run to sweep 60"
    head -c 27 ck | grep -q "libvoigtspin_mpi manifest" || fail "the checkpoint is not an MPI manifest"
    mpirun_ 1 "$V" $A --sweeps 80 --csv --checkpoint ck --resume > resumed.csv || fail "1-rank resume"
    cmp serial.csv resumed.csv || fail "saved on 2 ranks, resumed on 1: differs from the uninterrupted run"
    echo "OK: saved on 2 ranks, resumed on 1 rank = the uninterrupted run"
    ;;
serial_no_mpi)
    "$V" $A --sweeps 20 --csv > ref.csv || fail "serial run"
    OMPI_MCA_pml=voigtspin_no_such_component "$V" $A --sweeps 20 --csv > plain.csv ||
        fail "a plain run with a broken MPI setting failed: it touched MPI"
    cmp ref.csv plain.csv || fail "plain run output changed"
    if OMPI_MCA_pml=voigtspin_no_such_component mpirun_ 1 "$V" $A --sweeps 20 --csv > /dev/null 2>&1; then
        fail "the broken MPI setting does not break MPI_Init: the check above proves nothing"
    fi
    echo "OK: a plain voigtspin mc does not initialise MPI"
    ;;
refusals)
    "$V" $A --sweeps 20 --csv --checkpoint serial.ck > /dev/null || fail "serial checkpointed run"
    mpirun_ 2 "$V" $A --sweeps 20 --csv --checkpoint mpi.ck > /dev/null || fail "MPI checkpointed run"
    mpirun_ 2 "$V" $A --sweeps 40 --csv --checkpoint serial.ck --resume > out 2> err
    [ $? -ne 0 ] && [ ! -s out ] && grep -q "written by a serial" err || fail "MPI resume of a serial checkpoint: $(cat err)"
    "$V" $A --sweeps 40 --csv --checkpoint mpi.ck --resume > out 2> err
    rc=$?
    [ $rc -eq 2 ] && [ ! -s out ] && grep -q "under mpiexec" err || fail "serial resume of an MPI checkpoint: rc $rc $(cat err)"
    mpirun_ 2 "$V" $A --sweeps 20 --csv --fields clock > out 2> err
    [ $? -ne 0 ] && [ ! -s out ] && grep -q -- "--clock-near" err || fail "clock without --clock-near: $(cat err)"
    echo "OK: checkpoint kind mismatches and the automatic clock near set are refused"
    ;;
signal_np2)
    # SIGTERM to one rank (not to mpiexec): every rank stops after the same sweep, the checkpoint is
    # written collectively, every rank exits 143; resumed on 1 rank to a few sweeps beyond the stop, the
    # output equals the uninterrupted serial run of that length.
    "$MPIEXEC" -n 2 $MPIARGS "$V" $A --sweeps 100000000 --csv --checkpoint sig.ck > out 2> err &
    p=$!
    # The collective start checkpoint (its manifest, sig.ck, is written last) exists only after every
    # rank installed its signal handlers: wait for it instead of a fixed sleep (slow under ASan).
    k=0
    while [ ! -f sig.ck ] && [ $k -lt 600 ]; do sleep 0.05; k=$((k + 1)); done
    [ -f sig.ck ] || fail "no start checkpoint after 30 s: $(cat err)"
    r=$(ps -o pid= -o comm= --ppid "$p" | awk '$2 == "voigtspin" { pid = $1 } END { print pid }')
    [ -n "$r" ] || fail "no rank process under mpiexec"
    kill -TERM $r
    wait $p
    rc=$?
    [ $rc -eq 143 ] || fail "mpiexec exit $rc after SIGTERM to one rank (want 143): $(cat err)"
    [ ! -s out ] || fail "output after an interrupted run"
    done=$(sed -n 's/.*stopped by signal 15 after sweep \([0-9]*\) of.*/\1/p' err)
    [ -n "$done" ] || fail "no 'stopped by signal' message: $(cat err)"
    [ "$(grep -c 'stopped by signal' err)" -eq 1 ] || fail "the message is not printed by rank 0 alone"
    more=$((done - 20 + 30))
    mpirun_ 1 "$V" $A --sweeps $more --csv --checkpoint sig.ck --resume > resumed.csv || fail "resume on 1 rank"
    "$V" $A --sweeps $more --csv > serial.csv || fail "serial run"
    cmp serial.csv resumed.csv || fail "interrupted on 2 ranks at sweep $done, resumed on 1: differs"
    echo "OK: SIGTERM on one rank: collective checkpoint at sweep $done, exit 143, resumed = uninterrupted"
    ;;
*) fail "unknown case $CASE" ;;
esac
exit 0
