#!/usr/bin/env python3
"""Doxygen runs on the public headers with zero warnings (test doxygen_zero_warnings, suite 'abi').

Usage: check_doxygen.py DOXYGEN DOXYFILE

Runs DOXYFILE (the configured docs/Doxyfile) with WARN_AS_ERROR = FAIL_ON_WARNINGS and the output in
a fresh temporary directory, prints every warning and fails if there is any. Since EXTRACT_ALL = NO,
an undocumented public declaration is a warning. Exit 77 (skip) if doxygen is not installed.
"""
import shutil
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    doxygen, doxyfile = argv[1], argv[2]
    if not doxygen or not shutil.which(doxygen):
        print("doxygen not found: skipped (Debian package doxygen)")
        return 77
    with open(doxyfile, encoding="utf-8") as f:
        config = f.read()
    with tempfile.TemporaryDirectory(prefix="vs-doxygen-") as out:
        # Later assignments override earlier ones; "-" reads the configuration from stdin.
        config += f"\nOUTPUT_DIRECTORY = {out}\nWARN_LOGFILE =\nWARN_AS_ERROR = FAIL_ON_WARNINGS\nQUIET = YES\n"
        r = subprocess.run([doxygen, "-"], input=config, capture_output=True, text=True)
    messages = [line for line in (r.stdout + r.stderr).splitlines() if line.strip()]
    for line in messages:
        print(line)
    if r.returncode != 0 or messages:
        print(f"doxygen: {sum(': warning:' in m or ': error:' in m for m in messages)} "
              f"warning(s), exit status {r.returncode}")
        return 1
    print("doxygen: no warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
