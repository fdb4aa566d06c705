#!/bin/bash
# The whole evaluation report of docs/performance.md from ONE command (issue 12): bench_report (machine,
# build, load, the contiguous and own-layout bounds, bandwidth, roofline, memory, scaling, threads,
# update), then the LAMMPS comparison (bench/lammps_peer.py: setup, accuracy asked and got, times)
# when `lmp` is installed, or one line saying it was skipped.
# Usage: report.sh <build>/bench/bench_report <build>/bench/lammps_export [reps]
# (meson: `meson test -C <build> --benchmark report -v`; reps defaults to bench_report's 15).
set -u
report=$1
export=$2
here=$(cd "$(dirname "$0")" && pwd)
date -u +"# report started %Y-%m-%d %H:%M:%S UTC on $(uname -n), $(nproc) CPUs"
"$report" ${3:+"$3"} || exit $?
echo
if ! command -v python3 >/dev/null 2>&1; then
    echo "# LAMMPS comparison skipped: python3 not found"
elif ! command -v lmp >/dev/null 2>&1 && ! command -v lmp_serial >/dev/null 2>&1; then
    echo "# LAMMPS comparison skipped: lmp not installed (Debian package lammps)"
else
    python3 "$here/lammps_peer.py" "$export"
    rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 77 ] || exit $rc
fi
date -u +"# report finished %Y-%m-%d %H:%M:%S UTC"
