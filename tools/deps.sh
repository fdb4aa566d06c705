#!/usr/bin/env bash
# Install the Debian packages libvoigtspin needs to build, test (tools/test.sh: gcc, sanitizers,
# libFuzzer) and run its demo.
# Run as root on a fresh Debian machine; as a normal user it only reports what is missing.
set -euo pipefail
# clang + libclang-rt-dev (libFuzzer and the sanitizer runtimes of the default clang: on Debian 12
# clang-14 and libclang-rt-14-dev) + llvm (llvm-symbolizer for readable sanitizer stacks) build the
# fuzz harnesses; gcc's ThreadSanitizer runtime (libtsan) comes with build-essential.
# Open MPI + FFTW-MPI build the add-on libvoigtspin_mpi (-Dmpi, docs/mpi.md) and its 'mpi' suite.
# Optional and NOT installed here (no test needs it; CI must not): `lammps` (Debian 12: 20220106,
# /usr/bin/lmp) for the peer comparison of docs/performance.md (bench/lammps_peer.py): without it the
# benchmark lattice_vs_lammps is not registered and `report` prints a line saying it was skipped.
pkgs=(build-essential meson ninja-build pkg-config
      libgsl-dev libfftw3-dev liblapacke-dev libopenblas-dev libcmocka-dev
      abigail-tools gfortran cmake gnuplot-nox doxygen python3
      clang libclang-rt-dev llvm clang-format
      libopenmpi-dev openmpi-bin libfftw3-mpi-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing Debian packages (run as root to install): ${missing[*]}" >&2
  exit 1
fi
