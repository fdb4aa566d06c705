#!/usr/bin/env bash
# Build and run tests/fortran/consumer.f90 against the *installed* libvoigtspin_f (suite 'interop').
#
# usage: run_fortran_consumer.sh BUILD_ROOT SRC_DIR FC
# Installs the build tree into a fresh temporary DESTDIR (devel + runtime files only), points both
# .pc files at that copy, and checks: the .mod sits in the per-compiler folder named by the .pc's
# fmoddir variable; the module source is installed; `pkg-config --cflags --libs libvoigtspin_f` alone
# builds the consumer; the consumer runs against the installed libraries; and the installed module
# source compiles on its own (what a user of another compiler does).
# Exit: 0 pass, 1 fail, 77 skip (a tool is missing).
set -euo pipefail
build_root=$(cd "${1:?usage: run_fortran_consumer.sh BUILD_ROOT SRC_DIR FC}" && pwd)
src=$(cd "${2:?}" && pwd)
fc=${3:?}

skip() { echo "SKIP: $* (tools/test.sh counts a skip as a failure unless VS_ALLOW_SKIP=1)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
command -v meson >/dev/null 2>&1 || skip "meson not found"
command -v pkg-config >/dev/null 2>&1 || skip "pkg-config not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vs-fortran-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
meson install -C "$build_root" --no-rebuild --quiet --destdir "$dest" --tags runtime,devel >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; fail "meson install"; }

pcdir=$(dirname "$(find "$dest" -name libvoigtspin_f.pc -path '*/pkgconfig/*' | head -n 1)")
[ -f "$pcdir/libvoigtspin_f.pc" ] || fail "libvoigtspin_f.pc was not installed"
[ -f "$pcdir/libvoigtspin.pc" ] || fail "libvoigtspin.pc was not installed next to libvoigtspin_f.pc"
for pc in "$pcdir/libvoigtspin.pc" "$pcdir/libvoigtspin_f.pc"; do
  prefix=$(sed -n 's/^prefix=//p' "$pc")
  sed -i "s|^prefix=.*|prefix=$dest$prefix|" "$pc"
done
export PKG_CONFIG_PATH=$pcdir
grep -q '^Requires:.*libvoigtspin' "$pcdir/libvoigtspin_f.pc" || fail "libvoigtspin_f.pc does not require libvoigtspin"

fmoddir=$(pkg-config --variable=fmoddir libvoigtspin_f)
tag=$(pkg-config --variable=fortran_compiler libvoigtspin_f)
fsource=$(pkg-config --variable=fortran_source libvoigtspin_f)
[ -f "$fmoddir/voigtspin.mod" ] || fail "voigtspin.mod not in fmoddir $fmoddir"
[ "$(basename "$fmoddir")" = "$tag" ] || fail "fmoddir $fmoddir is not the per-compiler folder $tag"
[ -f "$fsource" ] || fail "module source $fsource not installed"
case $(pkg-config --cflags libvoigtspin_f) in *"-I$fmoddir"*) ;; *) fail "Cflags lack -I$fmoddir" ;; esac
libdir=$(pkg-config --variable=libdir libvoigtspin_f)
export LD_LIBRARY_PATH=$libdir
echo "installed: $fmoddir; pkg-config: $(pkg-config --cflags --libs libvoigtspin_f)"

work=$tmp/work
mkdir -p "$work"
# shellcheck disable=SC2046  # word splitting of pkg-config output is intended
"$fc" $(pkg-config --cflags libvoigtspin_f) "$src/consumer.f90" -o "$work/consumer" $(pkg-config --libs libvoigtspin_f) \
  || fail "consumer does not build with pkg-config flags alone"
out=$("$work/consumer") || fail "consumer failed: $out"
[ "$out" = "consumer ok" ] || fail "consumer printed: $out"
ldd "$work/consumer" >"$tmp/ldd.log"; cat "$tmp/ldd.log"; grep -q "$libdir/libvoigtspin_f.so" "$tmp/ldd.log" || fail "the loader did not pick the installed libvoigtspin_f"

# The installed source alone rebuilds the module (as a user of another compiler would).
(cd "$work" && "$fc" -c "$fsource" -o voigtspin_rebuilt.o) || fail "installed module source does not compile"
[ -f "$work/voigtspin.mod" ] || fail "compiling the installed source produced no voigtspin.mod"
echo "PASS"
