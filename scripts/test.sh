#!/usr/bin/env bash
# The whole test suite: install what is needed, build everything, run CTest.
# BUILD_DIR and BUILD_TYPE select the build (defaults: build/, RelWithDebInfo);
# extra arguments go to CMake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh "$@"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j2 --timeout 900
