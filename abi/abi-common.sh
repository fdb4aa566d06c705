# Helpers shared by tools/abi-check.sh and tools/update-abi-baseline.sh (sourced, not run).

# abidw options for a reproducible, path-free baseline: public types only, no source locations,
# no build paths, hash type ids (stable across unrelated changes, so baseline diffs stay small).
VS_ABIDW_OPTS=(--drop-private-types --no-show-locs --no-corpus-path --no-comp-dir-path
               --type-id-style hash --no-elf-needed)

# The shared library given a build dir or the library itself.
vs_abi_find_library() {
  local t=$1 lib
  if [ -d "$t" ]; then
    lib=$t/lib/libvoigtspin.so
  else
    lib=$t
  fi
  if [ ! -e "$lib" ]; then
    echo "no shared library at $lib (configure with default_library=shared or both)" >&2
    return 1
  fi
  readlink -f "$lib"
}

vs_abi_tools_present() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "$1 not found: install libabigail (Debian package abigail-tools)" >&2
  return 1
}

# abidiff without DWARF compares symbol names only; the baseline holds types, so demand DWARF.
vs_abi_has_debug_info() {
  readelf -S -W "$1" 2>/dev/null | grep -q '\.debug_info' && return 0
  echo "$1 has no DWARF debug info: build with -g (buildtype debug or debugoptimized)" >&2
  return 1
}
