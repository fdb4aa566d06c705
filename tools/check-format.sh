#!/usr/bin/env bash
# Format check of the lines a branch changes (advisory: the code base is not reformatted in bulk).
#
# usage: tools/check-format.sh [BASE]        BASE: a commit, default the merge base with main
#
# 1. C sources and headers (*.c, *.h): `git clang-format --diff BASE` formats only the changed lines
#    with .clang-format and prints what it would change.
# 2. Every changed text file: `git diff --check BASE` (trailing whitespace, space before tab, blank
#    lines at the end), the rules of .editorconfig that git can see.
# Nothing is rewritten; apply the suggestions with `git clang-format BASE` if you agree with them.
# A hand-aligned table may keep its layout inside `// clang-format off` / `// clang-format on`.
# Exit status: 0 clean, 1 something to look at, 2 usage, 77 git-clang-format missing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

base=${1:-}
if [ -z "$base" ]; then
  for ref in main origin/main; do
    base=$(git merge-base HEAD "$ref" 2>/dev/null) && break
  done
fi
[ -n "$base" ] && git rev-parse --verify -q "$base^{commit}" >/dev/null \
  || { echo "check-format: no base commit (give one: tools/check-format.sh BASE)"; exit 2; }

status=0
mapfile -t c_files < <(git diff --name-only --diff-filter=d "$base" -- '*.c' '*.h')
if [ ${#c_files[@]} -gt 0 ]; then
  if ! command -v git-clang-format >/dev/null 2>&1; then
    echo "check-format: git-clang-format not found (Debian package clang-format)"; exit 77
  fi
  out=$(git clang-format --diff --extensions c,h "$base" -- "${c_files[@]}" 2>&1)
  case $out in
    ""|*"no modified files to format"*|*"did not modify any files"*) ;;
    *) echo "$out"
       echo "check-format: clang-format would change the lines above (${#c_files[@]} C files checked)"
       status=1 ;;
  esac
fi
if ! ws=$(git diff --check "$base" 2>&1); then
  echo "$ws"
  echo "check-format: whitespace problems in changed lines (see .editorconfig)"
  status=1
fi
[ $status -eq 0 ] && echo "check-format: changes since $(git rev-parse --short "$base") are clean"
exit $status
