#!/usr/bin/env bash
# The whole test suite, as CI runs it (docs/testing.md):
#   1. dependencies (tools/deps.sh)
#   2. normal build (gcc), meson test: suites unit, physics, concurrency, abi, interop
#   3. ASan + UBSan build (gcc), meson test without abi/interop and without mpi_cli (the voigtspin
#      program under mpiexec, 5-10 s per test there; the add-on's own tests run under the sanitizers)
#   3b. clang build with -Werror, meson test: suites unit, concurrency, abi
#   4. libFuzzer build (clang, ASan + UBSan, instrumented library), meson test --suite fuzz
#      (each harness fuzzes for a short, bounded time from its committed seed corpus)
#   5. ThreadSanitizer build (gcc, OpenMP off), meson test --suite concurrency
# The long "slow" suite is not run here. Every stage runs even when an earlier one failed; the last
# line counts all of them: "N passed, N failed, N skipped"; the exit status is non-zero when anything
# failed. A skipped test (exit 77: a tool such as abidiff or cmake is missing) counts as a failure,
# because CI installs every tool; set VS_ALLOW_SKIP=1 to accept skips on a machine without them.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh || { echo "tools/deps.sh failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
allow_skip=${VS_ALLOW_SKIP:-0}
stage_failures=0   # stages that failed before meson could write a test log (setup or build)
logs=()

# stage NAME BUILD_DIR "SETUP_ARGS" [ENV=VALUE ...] -- MESON_TEST_ARGS...
stage() {
  local name=$1 dir=$2 setup=$3
  shift 3
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  echo "=== $name: $dir"
  local start=$SECONDS
  rm -rf "$dir"
  # shellcheck disable=SC2086  # setup holds several arguments
  if ! env "${envs[@]}" meson setup "$dir" $setup >"$dir.setup.log" 2>&1; then
    cat "$dir.setup.log"; echo "=== $name: meson setup FAILED"; stage_failures=$((stage_failures + 1)); return
  fi
  rm -f "$dir.setup.log"
  if ! ninja -C "$dir" -j "$jobs" >"$dir/build.log" 2>&1; then
    tail -n 60 "$dir/build.log"; echo "=== $name: build FAILED"; stage_failures=$((stage_failures + 1)); return
  fi
  env "${envs[@]}" meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes "$jobs" "$@" \
    || echo "=== $name: some tests FAILED"
  logs+=("$dir/meson-logs/testlog.json")
  echo "=== $name: $((SECONDS - start)) s"
}

# 2. Normal build.
stage "normal build" build-test "-Dbuildtype=debugoptimized" -- 

# 3. ASan + UBSan (interop and abi need an uninstrumented library: external programs, abidiff).
stage "ASan+UBSan build" build-asan "-Db_sanitize=address,undefined -Db_lundef=false -Dbench=false" \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  -- --no-suite interop --no-suite abi --no-suite mpi_cli --no-suite heavy

# 3b. clang build, warnings as errors (-Wpedantic included): the library, tools and tests compile
#     cleanly with both compilers; unit, concurrency and abi suites (physics, the consumers and the
#     MPI tests run in stages 2 and 3; the MPI add-on and its tests are still compiled here).
stage "clang build (-Werror)" build-clang "-Dwerror=true -Dbench=false -Ddocs=disabled" \
  CC=clang \
  -- --suite unit --suite concurrency --suite abi --no-suite mpi

# 4. libFuzzer: clang, static and instrumented library (top-level meson.build, fuzz section). The
#    harnesses (tests/fuzz, tools/fuzz) are built whatever -Dtests says; the other tests are not needed
#    (nor the MPI add-on: stages 2, 3 and 3b build and test it).
stage "fuzz build (clang)" build-fuzz \
  "-Dfuzz=true -Ddefault_library=static -Db_lundef=false -Dopenmp=disabled -Dfortran=disabled -Dmpi=disabled -Dbench=false -Dtests=false -Ddocs=disabled" \
  CC=clang ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  -- --suite fuzz

# 5. ThreadSanitizer: OpenMP off (libgomp is not instrumented), OpenBLAS serial (its own threads are
#    invisible to TSan and only add noise); halt on the first race.
stage "ThreadSanitizer build" build-tsan \
  "-Db_sanitize=thread -Db_lundef=false -Dopenmp=disabled -Dfortran=disabled -Dmpi=disabled -Dtools=false -Dbench=false -Ddocs=disabled" \
  OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  -- --suite concurrency

# 6. Format of the lines the last commit changed (advisory: never fails the run; docs/building.md).
echo "=== format check (advisory): tools/check-format.sh HEAD~1"
bash tools/check-format.sh HEAD~1 || echo "=== format check: see above (advisory, not counted)"

# One closing line for every build, counted from meson's JSON test logs.
python3 - "$stage_failures" "$allow_skip" "${logs[@]}" <<'PY'
import json, sys
failed = int(sys.argv[1])
allow_skip = sys.argv[2] == "1"
passed = skipped = 0
for path in sys.argv[3:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print(f"missing test log {path}")
        failed += 1
        continue
    for line in lines:
        r = json.loads(line)
        result = r.get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP" and allow_skip:
            skipped += 1
        elif result == "SKIP":
            print(f"skipped, counted as failed (VS_ALLOW_SKIP=1 accepts skips): {path}: {r.get('name')}")
            failed += 1
        else:
            print(f"failed: {path}: {r.get('name')} ({result})")
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
