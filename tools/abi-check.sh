#!/usr/bin/env bash
# Compare the built libvoigtspin.so with the committed ABI baseline abi/libvoigtspin.abi (README "Promises").
#
# usage: tools/abi-check.sh BUILD_DIR|LIBRARY.so [BASELINE.abi]
#
# Additions pass; anything else fails:
#   - abidiff exit bit 8 (ABIDIFF_ABI_INCOMPATIBLE_CHANGE: removed function/variable/symbol) fails;
#   - abidiff exit bit 4 (ABIDIFF_ABI_CHANGE) is also set by harmful changes to existing functions
#     (changed parameter or return types, changed public types), which libabigail does not always
#     class as incompatible: the diff is repeated with added symbols filtered out (--no-added-syms),
#     and if bit 4 is still set the change is not a pure addition and fails too.
# Only the public headers count (--headers-dir, --drop-private-types): the layout of the opaque
# handles' structs in lib/ may change freely. Harmless changes (e.g. an enumerator appended to a
# public enum) are filtered by abidiff's defaults.
# A deliberate break (before 1.0 only) regenerates the baseline with tools/update-abi-baseline.sh in
# the same commit, with a "Breaking" CHANGELOG entry.
# Exit status: 0 compatible, 1 incompatible or error, 77 skipped (no libabigail / no debug info).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/abi/abi-common.sh"

target=${1:?usage: tools/abi-check.sh BUILD_DIR|LIBRARY.so [BASELINE.abi]}
baseline=${2:-$root/abi/libvoigtspin.abi}
lib=$(vs_abi_find_library "$target") || exit 1
vs_abi_tools_present abidiff || exit 77
vs_abi_has_debug_info "$lib" || exit 77
[ -f "$baseline" ] || { echo "abi-check: no baseline $baseline (tools/update-abi-baseline.sh)"; exit 1; }

diff_opts=(--drop-private-types --hd2 "$root/include/libvoigtspin" --no-show-locs)

report=$(abidiff "${diff_opts[@]}" "$baseline" "$lib" 2>&1); rc=$?
echo "$report"
if (( rc & 1 )); then
  echo "abi-check: abidiff failed (exit $rc)"; exit 1
fi
if (( rc & 8 )); then
  echo "abi-check: INCOMPATIBLE ABI change against $baseline (abidiff exit $rc)"; exit 1
fi
if (( rc & 4 )); then
  abidiff "${diff_opts[@]}" --no-added-syms "$baseline" "$lib" >/dev/null 2>&1; rc2=$?
  if (( rc2 & 12 )); then
    echo "abi-check: existing interfaces changed (not only additions) against $baseline" \
         "(abidiff exit $rc, $rc2 without additions)"
    exit 1
  fi
  echo "abi-check: compatible additions only"
  exit 0
fi
echo "abi-check: no ABI change against $baseline"
