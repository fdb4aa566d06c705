#!/usr/bin/env bash
# Build and run a program against the *installed* libvoigtspin_mpi (test consumer_mpi_pkgconfig, suite
# 'mpi'), the way tests/interop/run_consumer.sh does for the core: meson install into a fresh DESTDIR,
# both .pc files relocated to it, `pkg-config --validate libvoigtspin_mpi`, compile consumer_mpi.c
# with `mpicc $(pkg-config --cflags --libs libvoigtspin_mpi)` only, run it on 2 ranks with
# LD_LIBRARY_PATH = the installed libdir, and check that the loader took the installed libraries.
#
# usage: run_mpi_consumer.sh BUILD_ROOT SRC_DIR MPIEXEC "MPIEXEC_ARGS"     exit 0 pass, 1 fail, 77 skip
set -euo pipefail
build_root=$(cd "${1:?}" && pwd)
src=$(cd "${2:?}" && pwd)
mpiexec=${3:?}
args=${4:-}
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
export LD_LIBRARY_PATH=$libdir
echo "pkg-config: $(pkg-config --cflags --libs libvoigtspin_mpi)"
# shellcheck disable=SC2046
"$mpicc" -std=c99 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags libvoigtspin_mpi) \
  "$src/consumer_mpi.c" -o "$tmp/consumer" $(pkg-config --libs libvoigtspin_mpi)
for lib in libvoigtspin_mpi.so.1 libvoigtspin.so.1; do
  where=$(ldd "$tmp/consumer" | awk -v l="$lib" '$1 == l {print $3}')
  case $where in "$libdir"/*) ;; *) echo "$lib resolved to '$where', not the installed copy"; exit 1 ;; esac
done
# shellcheck disable=SC2086
"$mpiexec" -n 2 $args "$tmp/consumer"
