#!/usr/bin/env bash
# Holds the #include lines to the layering of docs/architecture.md: each folder
# may include only the folders below it, so dependencies run one way:
#   base <- base/model <- store <- collectors
#   base/model <- syntax <- schema, semantic <- optimizer <- sql
#     <- exec <- checks <- report <- session <- bench <- cli
# and only store/ talks to SQLite. The SQL stage sees of the store only its
# layout and the Statement it produces (plain headers, no third-party include). Prints every include against the flow as
# file:line and exits 1 when there is one; run by CTest (test include_graph).
# Usage: scripts/check-includes.sh [ROOT]   (ROOT: the repository, by default
# this script's parent folder)
set -euo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
cd "$root"

# folder -> the include prefixes its files may use (besides <system> headers).
declare -A allowed=(
  [base]="base/"
  [store]="base/ base/model/ store/"
  [collectors]="base/ base/model/ store/ collectors/"
  [engine/syntax]="base/ engine/syntax/ GraphQL"
  [engine/schema]="base/ base/model/ engine/syntax/ engine/schema/"
  [engine/semantic]="base/ base/model/ engine/syntax/ engine/semantic/"
  [engine/optimizer]="base/ base/model/ engine/semantic/ engine/optimizer/"
  [engine/sql]="base/ base/model/ engine/semantic/ engine/sql/ store/layout.hpp store/statement.hpp"
)
lower="base/ base/model/ engine/syntax/ engine/schema/ engine/semantic/ engine/optimizer/ engine/sql/ store/"
allowed[engine/exec]="$lower engine/exec/"
allowed[engine/checks]="${allowed[engine/exec]} engine/checks/"
allowed[engine/report]="${allowed[engine/checks]} engine/report/"
allowed[engine/session]="${allowed[engine/report]} engine/session/"
allowed[engine/bench]="${allowed[engine/session]} engine/bench/"
allowed[cli]="${allowed[engine/bench]} collectors/ cli/"

status=0
for folder in "${!allowed[@]}"; do
  [ -d "$folder" ] || continue
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    text=${rest#*:}
    if [[ "$text" =~ \#include[[:space:]]*\<sqlite3\.h\> ]]; then
      if [ "$folder" != store ]; then
        echo "$file:$line: includes <sqlite3.h>: only store/ talks to SQLite"
        status=1
      fi
      continue
    fi
    [[ "$text" =~ \#include[[:space:]]*\"([^\"]+)\" ]] || continue
    target=${BASH_REMATCH[1]}
    ok=0
    for prefix in ${allowed[$folder]}; do
      [[ "$target" == "$prefix"* ]] && ok=1 && break
    done
    if [ "$ok" = 0 ]; then
      echo "$file:$line: includes \"$target\": $folder may include only ${allowed[$folder]}"
      status=1
    fi
  done < <(grep -rn --include='*.cpp' --include='*.hpp' --include='*.h' -E '^[[:space:]]*#[[:space:]]*include' "$folder" || true)
done
exit $status
