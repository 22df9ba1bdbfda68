#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy) over Posture's own sources: the
# libraries and the program, not the generated parser, the tests or the
# benchmarks. Needs a configured build (compile_commands.json) in $BUILD_DIR
# (default build/). Exits non-zero when clang-tidy reports anything.
# Usage: scripts/tidy.sh [FILE...]   (default: every source of the layers)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
  echo "tidy: no $BUILD_DIR/compile_commands.json: configure a build first (scripts/build.sh)" >&2
  exit 2
fi
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'base/*.cpp' 'engine/*.cpp' 'store/*.cpp' 'collectors/*.cpp' 'cli/*.cpp')
fi
# The project's headers are checked through the sources that include them.
printf '%s\n' "${files[@]}" |
  xargs -P "$JOBS" -n 4 clang-tidy -p "$BUILD_DIR" --quiet 2> >(grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed|^Use -header-filter' >&2)
