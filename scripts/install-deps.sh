#!/usr/bin/env bash
# Installs the Debian packages Posture builds, tests and benchmarks with.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  antlr4 libantlr4-runtime-dev
  nlohmann-json3-dev libsimdjson-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql-15
  libcurl4-openssl-dev
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  libre2-dev
  libcli11-dev
  libjemalloc-dev
  clang libclang-rt-14-dev
  python3
  jq time
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
