#!/usr/bin/env bash
# Build and run a program against the *installed* libvoigtspin_mpi (test consumer_mpi_pkgconfig, suite
# 'mpi'), the way tests/interop/run_consumer.sh does for the core: meson install into a fresh DESTDIR,
# both .pc files relocated to it, `pkg-config --validate libvoigtspin_mpi`, compile consumer_mpi.c
# with `mpicc $(pkg-config --cflags --libs libvoigtspin_mpi)` only, run it on 2 ranks with
# LD_LIBRARY_PATH = the installed libdir, and check that the loader took the installed libraries.
#
# With MODE = cmake (test consumer_mpi_cmake_config) the program is built instead by the CMake project
# cmake-config-mpi/ (find_package(libvoigtspin COMPONENTS MPI), target libvoigtspin::libvoigtspin_mpi),
# found through CMAKE_PREFIX_PATH alone, and runs without LD_LIBRARY_PATH (CMake's RUNPATH).
#
# usage: run_mpi_consumer.sh BUILD_ROOT SRC_DIR MPIEXEC "MPIEXEC_ARGS" [pkgconfig|cmake]
#        exit 0 pass, 1 fail, 77 skip
set -euo pipefail
build_root=$(cd "${1:?}" && pwd)
src=$(cd "${2:?}" && pwd)
mpiexec=${3:?}
args=${4:-}
mode=${5:-pkgconfig}
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config not found"; exit 77; }
mpicc=$(command -v mpicc || true)
[ -n "$mpicc" ] || { echo "SKIP: mpicc not found"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vs-mpi-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
meson install -C "$build_root" --no-rebuild --quiet --destdir "$dest" --tags runtime,devel >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; echo "meson install failed"; exit 1; }
for name in libvoigtspin libvoigtspin_mpi; do
  pc=$(find "$dest" -name "$name.pc" -path '*/pkgconfig/*' | head -n 1)
  [ -n "$pc" ] || { echo "$name.pc was not installed"; exit 1; }
  prefix=$(sed -n 's/^prefix=//p' "$pc")
  sed -i "s|^prefix=.*|prefix=$dest$prefix|" "$pc"
done
export PKG_CONFIG_PATH=$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
pkg-config --validate libvoigtspin_mpi
hdr=$(find "$dest" -path '*/libvoigtspin/mpi.h' | head -n 1)
[ -n "$hdr" ] || { echo "libvoigtspin/mpi.h was not installed"; exit 1; }
libdir=$(pkg-config --variable=libdir libvoigtspin_mpi)
if [ "$mode" = cmake ]; then
  command -v cmake >/dev/null || { echo "SKIP: cmake not found"; exit 77; }
  unset LD_LIBRARY_PATH
  prefix=$(pkg-config --variable=prefix libvoigtspin_mpi)
  mkdir "$tmp/work"
  cp "$src/cmake-config-mpi/CMakeLists.txt" "$src/consumer_mpi.c" "$tmp/work/"
  cmake -S "$tmp/work" -B "$tmp/work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
    >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
  cmake --build "$tmp/work/build" >>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
  cat "$tmp/cmake.log"
  found_dir=$(sed -n 's/^libvoigtspin_DIR:PATH=//p' "$tmp/work/build/CMakeCache.txt")
  case $found_dir in
    "$dest"/*/cmake/libvoigtspin) ;;
    *) echo "CMake found libvoigtspin in '$found_dir', not in the installed copy under $dest"; exit 1 ;;
  esac
  mv "$tmp/work/build/consumer" "$tmp/consumer"
else
  export LD_LIBRARY_PATH=$libdir
  echo "pkg-config: $(pkg-config --cflags --libs libvoigtspin_mpi)"
  # shellcheck disable=SC2046
  "$mpicc" -std=c99 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags libvoigtspin_mpi) \
    "$src/consumer_mpi.c" -o "$tmp/consumer" $(pkg-config --libs libvoigtspin_mpi)
fi
for lib in libvoigtspin_mpi.so.1 libvoigtspin.so.1; do
  where=$(ldd "$tmp/consumer" | awk -v l="$lib" '$1 == l {print $3}')
  case $where in "$libdir"/*) ;; *) echo "$lib resolved to '$where', not the installed copy"; exit 1 ;; esac
done
# shellcheck disable=SC2086
"$mpiexec" -n 2 $args "$tmp/consumer"
