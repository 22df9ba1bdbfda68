#!/usr/bin/env bash
# The main job on the bundled sample inventory: install what is needed, build,
# import collectors/samples/azure-sample.jsonl into a fresh store, evaluate every
# stored check and print the report. Exits 0 when the report was printed (the
# sample fails checks on purpose), 2 on an error.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
TARGET=posture ./scripts/build.sh
db=build/demo.db
rm -f "$db" "$db-wal" "$db-shm"
build/posture import --db "$db" collectors/samples/azure-sample.jsonl
status=0
build/posture check --db "$db" || status=$?
[ "$status" -le 1 ] || exit "$status"
echo
echo "Store: $db. Try: build/posture query --db $db -e '{ connectors { ...AssetFragment securityContacts { email phone apiVersion } } }'"
