#!/usr/bin/env bash
# Build and run an external project against the *installed* libvoigtspin (suite 'interop').
#
# usage: run_consumer.sh KIND BUILD_ROOT INTEROP_SRC_DIR
#   KIND: c         plain C, `pkg-config --cflags --libs libvoigtspin` only
#         cxx       C++11, same pkg-config flags
#         cmake     CMake project, pkg_check_modules(... IMPORTED_TARGET libvoigtspin)
#         meson     meson project, dependency('libvoigtspin')
#         c-static  plain C linked against libvoigtspin.a with `pkg-config --static --libs`
#         cmake-config          CMake project, find_package(libvoigtspin 1.0 CONFIG) and the target
#                               libvoigtspin::libvoigtspin; runs without LD_LIBRARY_PATH
#         cmake-config-fortran  the same for Fortran (libvoigtspin::libvoigtspin_f, tests/fortran/consumer.f90)
#         installed-runpath     the installed voigtspin starts without LD_LIBRARY_PATH (RUNPATH
#                               $ORIGIN/../<libdir>); libvoigtspin_f.so.1 finds libvoigtspin.so.1 ($ORIGIN)
#
# The build tree is installed with `meson install --destdir` into a fresh temporary directory (one
# per test: meson test runs tests in parallel), the .pc file's prefix is pointed at that copy, and
# the program runs with LD_LIBRARY_PATH set to the installed libdir only (meson test points it at
# the build tree). The test also checks that the loader really picked the installed library.
# Exit: 0 pass, 1 fail, 77 skip (tool missing, or no static library in this configuration).
set -euo pipefail
kind=${1:?usage: run_consumer.sh KIND BUILD_ROOT INTEROP_SRC_DIR}
build_root=$(cd "${2:?}" && pwd)
src=$(cd "${3:?}" && pwd)

skip() { echo "SKIP: $* (tools/test.sh counts a skip as a failure unless VS_ALLOW_SKIP=1)"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not found"; }
need meson
need pkg-config

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vs-interop-$kind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root

# Install only what a consumer gets from a -dev package (no docs, no tools).
meson install -C "$build_root" --no-rebuild --quiet --destdir "$dest" --tags runtime,devel >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; echo "meson install failed"; exit 1; }

pc=$(find "$dest" -name libvoigtspin.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || { echo "libvoigtspin.pc was not installed"; exit 1; }
prefix=$(sed -n 's/^prefix=//p' "$pc")
# Relocate: the .pc says prefix=/usr/local (or whatever -Dprefix was); the copy lives under $dest.
sed -i "s|^prefix=.*|prefix=$dest$prefix|" "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
libdir=$(pkg-config --variable=libdir libvoigtspin)
case $libdir in "$dest"/*) ;; *) echo "libdir $libdir is outside the installed copy"; exit 1 ;; esac
export LD_LIBRARY_PATH=$libdir
echo "installed copy: $dest$prefix; pkg-config: $(pkg-config --cflags --libs libvoigtspin)"

work=$tmp/work
mkdir -p "$work"
cc=${CC:-cc}
cxx=${CXX:-c++}

case $kind in
  c)
    # shellcheck disable=SC2046  # word splitting of pkg-config output is intended
    $cc -std=c99 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags libvoigtspin) \
      "$src/consumer.c" -o "$work/consumer" $(pkg-config --libs libvoigtspin)
    ;;
  cxx)
    need "$cxx"
    # shellcheck disable=SC2046
    $cxx -std=c++11 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags libvoigtspin) \
      "$src/consumer.cpp" -o "$work/consumer" $(pkg-config --libs libvoigtspin)
    ;;
  cmake)
    need cmake
    cp "$src/cmake/CMakeLists.txt" "$src/consumer.c" "$work/"
    cmake -S "$work" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 \
      || { cat "$tmp/cmake.log"; exit 1; }
    cmake --build "$work/build" >>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
    mv "$work/build/consumer" "$work/consumer"
    ;;
  meson)
    need ninja
    cp "$src/meson/meson.build" "$src/consumer.c" "$work/"
    meson setup "$work/build" "$work" >"$tmp/meson.log" 2>&1 || { cat "$tmp/meson.log"; exit 1; }
    ninja -C "$work/build" >>"$tmp/meson.log" 2>&1 || { cat "$tmp/meson.log"; exit 1; }
    mv "$work/build/consumer" "$work/consumer"
    ;;
  c-static)
    ls "$libdir"/libvoigtspin.a >/dev/null 2>&1 || skip "no static library (default_library=shared)"
    # Leave only the archive, so -lvoigtspin must resolve to it and Libs.private/Requires.private
    # must supply every dependency.
    rm -f "$libdir"/libvoigtspin.so*
    # shellcheck disable=SC2046
    $cc -std=c99 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags libvoigtspin) \
      "$src/consumer.c" -o "$work/consumer" $(pkg-config --static --libs libvoigtspin)
    # The consumer pulls in only the archive members it calls; link every member once more so an
    # FFTW/GSL/LAPACKE/OpenMP need anywhere in the library must be met by the .pc file as well.
    # shellcheck disable=SC2046
    $cc -std=c99 $(pkg-config --cflags libvoigtspin) "$src/consumer.c" -o "$work/consumer-whole" \
      -Wl,--whole-archive "$libdir/libvoigtspin.a" -Wl,--no-whole-archive \
      $(pkg-config --static --libs libvoigtspin)
    "$work/consumer-whole" >/dev/null
    ;;
  cmake-config|cmake-config-fortran)
    need cmake
    # CMake's package search gets only the installed copy; the program then runs on the RUNPATH
    # CMake gives it (and, for Fortran, on libvoigtspin_f's own RUNPATH), not on LD_LIBRARY_PATH.
    unset LD_LIBRARY_PATH
    if [ "$kind" = cmake-config ]; then
      cp "$src/cmake-config/CMakeLists.txt" "$src/consumer.c" "$work/"
    else
      ls "$libdir"/libvoigtspin_f.so.* >/dev/null 2>&1 || { echo "libvoigtspin_f was not installed"; exit 1; }
      cp "$src/cmake-config-fortran/CMakeLists.txt" "$src/../fortran/consumer.f90" "$work/"
    fi
    cmake -S "$work" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$dest$prefix" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
      >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
    cmake --build "$work/build" >>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
    cat "$tmp/cmake.log"
    found_dir=$(sed -n 's/^libvoigtspin_DIR:PATH=//p' "$work/build/CMakeCache.txt")
    case $found_dir in
      "$dest"/*/cmake/libvoigtspin) ;;
      *) echo "CMake found libvoigtspin in '$found_dir', not in the installed copy under $dest"; exit 1 ;;
    esac
    mv "$work/build/consumer" "$work/consumer"
    if [ "$kind" = cmake-config-fortran ]; then
      out=$("$work/consumer") || { echo "Fortran consumer failed: $out"; exit 1; }
      [ "$out" = "consumer ok" ] || { echo "Fortran consumer printed: $out"; exit 1; }
    fi
    ;;
  installed-runpath)
    unset LD_LIBRARY_PATH
    exe=$(find "$dest" -type f -name voigtspin -path '*/bin/*' | head -n 1)
    [ -n "$exe" ] || { echo "voigtspin was not installed"; exit 1; }
    readelf -d "$exe" | grep -E '\((RUNPATH|RPATH)\)'
    readelf -d "$exe" | grep -q 'runpath: \[\$ORIGIN/' || { echo "$exe: no \$ORIGIN-relative RUNPATH"; exit 1; }
    # The loader must take libvoigtspin.so.1 from the installed copy (not from a system install).
    so=$(readlink -f "$(ldd "$exe" | awk '/libvoigtspin\.so/ {print $3}')")
    case $so in "$(readlink -f "$libdir")"/*) ;; *) echo "$exe loads libvoigtspin from '$so', not from $libdir"; exit 1 ;; esac
    "$exe" --version || { echo "installed voigtspin does not start without LD_LIBRARY_PATH"; exit 1; }
    # libvoigtspin_f.so.1 finds libvoigtspin.so.1 next to it (RUNPATH $ORIGIN), so a Fortran program
    # needs a path to libvoigtspin_f only, as a C program needs one to libvoigtspin.
    if ls "$libdir"/libvoigtspin_f.so.* >/dev/null 2>&1; then
      flib=$(ls "$libdir"/libvoigtspin_f.so.*.*.* | head -n 1)
      readelf -d "$flib" | grep -q 'runpath: \[\$ORIGIN\]' || { echo "$flib: RUNPATH is not \$ORIGIN"; exit 1; }
      so=$(readlink -f "$(ldd "$flib" | awk '/libvoigtspin\.so/ {print $3}')")
      case $so in "$(readlink -f "$libdir")"/*) ;; *) echo "$flib loads libvoigtspin from '$so', not from $libdir"; exit 1 ;; esac
      echo "$flib: RUNPATH \$ORIGIN, libvoigtspin from $so"
    fi
    echo "PASS"
    exit 0
    ;;
  *)
    echo "unknown consumer kind '$kind'"; exit 2 ;;
esac

# The program must load the installed copy (or none, when linked statically), never the build tree.
loaded=$(ldd "$work/consumer" | awk '/libvoigtspin/ {print $3}')
if ! ls "$libdir"/libvoigtspin.so* >/dev/null 2>&1; then  # c-static, or default_library=static
  [ -z "$loaded" ] || { echo "static consumer still loads $loaded"; exit 1; }
else
  case $loaded in
    "$libdir"/*) ;;
    *) echo "consumer loads libvoigtspin from '$loaded', not from the installed $libdir"; exit 1 ;;
  esac
fi
"$work/consumer"
