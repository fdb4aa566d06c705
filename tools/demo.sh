#!/usr/bin/env bash
# The main job: install dependencies, build, and run `voigtspin paper`, which reproduces the
# paper's numbers and writes its figures into ./voigtspin-paper/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build
./build/tools/voigtspin paper --out voigtspin-paper "$@"
