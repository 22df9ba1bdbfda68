#!/usr/bin/env bash
# Configures and builds Posture into build/ (or $BUILD_DIR) with two jobs.
# Extra arguments go to CMake's configure step, e.g. -DPOSTURE_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-2}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" ${TARGET:+--target "$TARGET"}
