#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, a normal build and an ASan+UBSan build,
# `meson test` in both (suites unit, physics, abi, interop; the long "slow" suite is not run here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

rm -rf build-test build-asan
meson setup build-test -Dbuildtype=debugoptimized >/dev/null
ninja -C build-test -j "$jobs"
meson test -C build-test --print-errorlogs --num-processes "$jobs"

meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false >/dev/null
ninja -C build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs --num-processes "$jobs" --no-suite interop --no-suite abi

# One closing line for both builds, counted from meson's JSON test logs.
python3 - build-test/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
