#!/usr/bin/env bash
# Regenerate the committed ABI baseline abi/libvoigtspin.abi from a built library (SPEC §3).
#
# usage: tools/update-abi-baseline.sh BUILD_DIR|LIBRARY.so
#
# Run it deliberately: when releasing (so the new functions become part of the guarded ABI), or,
# before 1.0 only, for an intended break, in the same commit as a "Breaking" CHANGELOG entry.
# Build from a clean checkout of what you commit (e.g. `git stash -u` or a `git worktree`), with
# debug info (the default buildtype debugoptimized), so that uncommitted work never enters the
# baseline.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/abi/abi-common.sh"

target=${1:?usage: tools/update-abi-baseline.sh BUILD_DIR|LIBRARY.so}
lib=$(vs_abi_find_library "$target")
vs_abi_tools_present abidw || exit 1
vs_abi_has_debug_info "$lib" || exit 1
out="$root/abi/libvoigtspin.abi"
abidw "${VS_ABIDW_OPTS[@]}" --headers-dir "$root/include/libvoigtspin" --out-file "$out.tmp" "$lib"
mv "$out.tmp" "$out"
echo "wrote $out from $lib ($(grep -c '<elf-symbol ' "$out") ELF symbols)"
