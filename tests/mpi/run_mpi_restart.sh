#!/bin/sh
# run_mpi_restart.sh MPIEXEC "MPIEXEC_ARGS" TEST_EXE NP_SAVE NP_RESUME
# Saves a checkpoint of test_mpi_sampler's ladder on NP_SAVE ranks (after 9 sweeps; a first one after 7
# whose generation must be removed), then resumes it on NP_RESUME ranks for 8 more sweeps and compares
# with the uninterrupted serial chain. The checkpoint lives in a fresh temporary directory.
set -eu
mpiexec=$1 args=$2 exe=$3 np_save=$4 np_resume=$5
dir=$(mktemp -d "${TMPDIR:-/tmp}/vs_mpi_restart.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2086
"$mpiexec" -n "$np_save" $args "$exe" save "$dir/ladder.ckpt" 9
# shellcheck disable=SC2086
"$mpiexec" -n "$np_resume" $args "$exe" resume "$dir/ladder.ckpt" 9 8
