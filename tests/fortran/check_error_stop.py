#!/usr/bin/env python3
"""Run test_fortran_error_stop: without `stat`, an error must end the program through `error stop 1`
(exit code 1, no signal) after printing 'libvoigtspin: <procedure>: <strerror>: <detail>' on stderr."""
import subprocess
import sys
import tempfile

proc = subprocess.run([sys.argv[1]], capture_output=True, text=True, timeout=60)

# stderr into a regular file, as in a batch job's log (`prog 2> log`): gfortran buffers units
# connected to regular files, so an unflushed message would land after the runtime's ERROR STOP
# text (which is written directly) or be lost.
with tempfile.TemporaryFile(mode="w+") as log:
    subprocess.run([sys.argv[1]], stdout=subprocess.DEVNULL, stderr=log, timeout=60)
    log.seek(0)
    logged = log.read()
checks = [
    ("program stops with exit code 1 (error stop 1), not a signal", proc.returncode == 1),
    ("the code before the failing call ran", "before the failing call" in proc.stdout),
    ("execution does not continue after the failing call", "after the failing call" not in proc.stdout),
    ("stderr names the failing procedure", "libvoigtspin: vs_elastic_create_lame:" in proc.stderr),
    ("stderr carries the C library's detail about mu", "mu" in proc.stderr.split("vs_elastic_create_lame:", 1)[-1]),
    ("the message names the procedure once",
     sum(line.count("vs_elastic_create_lame") for line in proc.stderr.splitlines()
         if line.startswith("libvoigtspin:")) == 1),
    ("with stderr in a file, the message is flushed before the runtime's ERROR STOP output",
     "libvoigtspin: " in logged and ("ERROR STOP" not in logged
                                     or logged.index("libvoigtspin: ") < logged.index("ERROR STOP"))),
]
print("1..%d" % len(checks))
for i, (name, good) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if good else "not ok", i, name))
if not all(good for _, good in checks):
    print("# exit code %d" % proc.returncode)
    for line in (proc.stdout + proc.stderr).splitlines():
        print("# " + line)
    sys.exit(1)
