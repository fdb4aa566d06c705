#!/usr/bin/env bash
# Regenerate the committed ABI baseline abi/libvoigtspin.abi (README "Promises").
#
# usage: tools/update-abi-baseline.sh BUILD_DIR|LIBRARY.so   from an existing build of this tree
#        tools/update-abi-baseline.sh --clean-head           from a fresh build of `git HEAD` only
#
# Run it deliberately: when releasing (so the new functions become part of the guarded ABI), or,
# before 1.0 only, for an intended break, in the same commit as a "Breaking" CHANGELOG entry.
# --clean-head builds the committed tree in a temporary directory, so uncommitted work in the
# checkout never enters the baseline. The build must carry DWARF (buildtype debug/debugoptimized).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/abi/abi-common.sh"

target=${1:?usage: tools/update-abi-baseline.sh BUILD_DIR|LIBRARY.so|--clean-head}
vs_abi_tools_present abidw || exit 1
src=$root
if [ "$target" = --clean-head ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/vs-abi-baseline.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  src=$tmp/src
  mkdir -p "$src"
  git -C "$root" archive HEAD | tar -x -C "$src"
  meson setup "$tmp/build" "$src" -Dbuildtype=debugoptimized -Dtests=false -Dbench=false \
    -Dtools=false -Ddocs=disabled -Dfortran=disabled -Ddefault_library=shared >"$tmp/setup.log" 2>&1 \
    || { cat "$tmp/setup.log"; exit 1; }
  ninja -C "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
  target=$tmp/build
  echo "built $(git -C "$root" rev-parse --short HEAD) in $tmp"
fi
lib=$(vs_abi_find_library "$target")
vs_abi_has_debug_info "$lib" || exit 1
out="$root/abi/libvoigtspin.abi"
abidw "${VS_ABIDW_OPTS[@]}" --headers-dir "$src/include/libvoigtspin" --out-file "$out.tmp" "$lib"
mv "$out.tmp" "$out"
echo "wrote $out ($(grep -c '<elf-symbol ' "$out") exported functions and variables)"
