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
# machine (lscpu) and build (meson's options of the build the binaries come from)
if command -v lscpu >/dev/null 2>&1; then
    lscpu | grep -E '^(Model name|CPU family|Model|CPU\(s\)|Thread\(s\) per core|Hypervisor vendor|CPU max MHz|L1d|L2|L3)' |
        sed 's/^/# machine: /; s/  */ /g'
    lscpu | grep -q -w avx2 && echo "# machine: flags include avx2$(lscpu | grep -q -w fma && echo ', fma')$(lscpu | grep -q -w avx512f && echo ', avx512f')"
fi
info="$(dirname "$report")/../meson-info/intro-buildoptions.json"
if [ -f "$info" ] && command -v python3 >/dev/null 2>&1; then
    python3 - "$info" <<'PY'
import json, sys
o = {x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}
print("# build: " + ", ".join("%s=%s" % (k, o.get(k)) for k in
      ("buildtype", "optimization", "debug", "b_ndebug", "b_lto", "b_sanitize", "c_args", "openmp") if k in o))
PY
fi
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
