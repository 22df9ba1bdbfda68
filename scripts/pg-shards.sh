#!/usr/bin/env bash
# Spreads a Posture database on PostgreSQL 15 over shard servers with stock
# PostgreSQL (docs/scaling.md): on the coordinator every Posture table that
# has the column _tenant becomes a table partitioned by HASH (_tenant) whose
# partitions are postgres_fdw foreign tables, partition i on shard i (of n);
# each shard gets the table as Posture made it (its primary key and unique
# key start with _tenant, its indexes), without identity columns (the
# coordinator numbers _ord from a sequence). _meta and the sequence
# posture_rid stay on the coordinator. Rows already there move to the shards,
# so the coordinator may be a Posture database in use: first `posture import`
# (or any Posture command that writes) creates the tables, this script then
# distributes them. Run it once, with no Posture command running.
#
# Usage: scripts/pg-shards.sh COORDINATOR SHARD...
#   COORDINATOR  a libpq connection string or URI of the Posture database
#   SHARD        the libpq keywords of a shard's empty database, e.g.
#                'host=db1.example port=5432 dbname=posture' (they become the
#                postgres_fdw server's options; the user mapping is for the
#                current user, with `user` and `password` from the keywords
#                when given, else libpq's defaults on the coordinator)
# The coordinator's role must be able to CREATE EXTENSION postgres_fdw (or it
# must exist), and the shards' role to create tables.
set -euo pipefail
coordinator=${1:?usage: $0 COORDINATOR SHARD...}
shift
[ $# -ge 1 ] || { echo "usage: $0 COORDINATOR SHARD..." >&2; exit 2; }
bin=/usr/lib/postgresql/15/bin
psql=$bin/psql
[ -x "$psql" ] || psql=psql

q() { "$psql" -X -v ON_ERROR_STOP=1 -q -At "$@"; }

# SQL text as a literal.
literal() { printf "'%s'" "${1//\'/\'\'}"; }

# The tables to distribute: Posture's, with _tenant, not distributed yet.
cat >"${TMPDIR:-/tmp}/posture-shards.$$.tables.sql" <<'SQL'
CREATE TEMP VIEW posture_distribute AS
SELECT c.oid, c.relname::text AS t FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
  AND a.attname = '_tenant' AND NOT a.attisdropped;
SQL
trap 'rm -f "${TMPDIR:-/tmp}"/posture-shards.$$.*' EXIT
tables=$(q "$coordinator" -f "${TMPDIR:-/tmp}/posture-shards.$$.tables.sql" -c "SELECT count(*) FROM posture_distribute")
[ "$tables" -gt 0 ] || { echo "no Posture table to distribute in $coordinator" >&2; exit 2; }

# Each table's CREATE statements as on the coordinator, for the shards:
# columns with their types, collations and NOT NULL (no identity, no
# defaults), its primary and unique keys, its other indexes.
q "$coordinator" -f "${TMPDIR:-/tmp}/posture-shards.$$.tables.sql" -f - <<'SQL' >"${TMPDIR:-/tmp}/posture-shards.$$.shard.sql"
SELECT format('CREATE TABLE %I (%s);', d.t, string_agg(format('%I %s%s%s', a.attname,
         format_type(a.atttypid, a.atttypmod),
         CASE WHEN a.attcollation <> 0 AND a.attcollation <> 100
              THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END,
         CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END), ', ' ORDER BY a.attnum))
FROM posture_distribute d JOIN pg_attribute a ON a.attrelid = d.oid
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE a.attnum > 0 AND NOT a.attisdropped GROUP BY d.t;
SELECT format('ALTER TABLE %I ADD %s;', d.t, pg_get_constraintdef(c.oid))
FROM posture_distribute d JOIN pg_constraint c ON c.conrelid = d.oid WHERE c.contype IN ('p', 'u');
SELECT regexp_replace(pg_get_indexdef(i.indexrelid), ' ON \S+ ', format(' ON %I ', d.t)) || ';'
FROM posture_distribute d JOIN pg_index i ON i.indrelid = d.oid
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SQL
for shard in "$@"; do q "$shard" -1 -f "${TMPDIR:-/tmp}/posture-shards.$$.shard.sql"; done

# The coordinator, in one transaction: a server per shard, then per table a
# partitioned table in its place, its partitions on the shards, the rows
# moved, the local table dropped; an identity column (_ord) is numbered by a
# sequence of the coordinator instead.
servers=""
i=0
for shard in "$@"; do
  options="" mapping=""
  for kv in $shard; do
    key=${kv%%=*} value=${kv#*=}
    case $key in
      user | password) mapping+="${mapping:+, }$key $(literal "$value")" ;;
      *) options+="${options:+, }$key $(literal "$value")" ;;
    esac
  done
  servers+="CREATE SERVER posture_shard_$i FOREIGN DATA WRAPPER postgres_fdw OPTIONS ($options, fetch_size '10000', batch_size '1000');
CREATE USER MAPPING FOR CURRENT_USER SERVER posture_shard_$i${mapping:+ OPTIONS ($mapping)};
"
  i=$((i + 1))
done
q "$coordinator" -f "${TMPDIR:-/tmp}/posture-shards.$$.tables.sql" -v n=$# -f - <<'SQL' >"${TMPDIR:-/tmp}/posture-shards.$$.coordinator.sql"
SELECT format('ALTER TABLE %I RENAME TO %I; CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS) '
              'PARTITION BY HASH (_tenant);', t, t || '_local', t, t || '_local')
       || (SELECT string_agg(format('CREATE FOREIGN TABLE %I PARTITION OF %I FOR VALUES WITH '
                                    '(MODULUS %s, REMAINDER %s) SERVER %I OPTIONS (table_name %L);',
                                    t || '_shard_' || i, t, :n, i, 'posture_shard_' || i, t), ' ')
           FROM generate_series(0, :n - 1) AS i)
       || coalesce((SELECT string_agg(format('CREATE SEQUENCE %1$I; ALTER TABLE %2$I ALTER %3$I '
                                             'SET DEFAULT nextval(%1$L); SELECT setval(%1$L, '
                                             'coalesce((SELECT max(%3$I) FROM %4$I), 0) + 1, false);',
                                             t || '_' || attname, t, attname, t || '_local'), ' ')
                    FROM pg_attribute WHERE attrelid = oid AND attidentity <> ''), '')
       || format(' INSERT INTO %I SELECT * FROM %I; DROP TABLE %I;', t, t || '_local', t || '_local')
FROM posture_distribute;
SELECT format('ALTER DATABASE %I SET enable_partitionwise_join = on; ALTER DATABASE %I SET '
              'enable_partitionwise_aggregate = on;', current_database(), current_database());
SQL
{
  echo "CREATE EXTENSION IF NOT EXISTS postgres_fdw;"
  printf '%s' "$servers"
  cat "${TMPDIR:-/tmp}/posture-shards.$$.coordinator.sql"
} | q "$coordinator" -1 -o /dev/null -f -
# Statistics for the coordinator's planner: autovacuum never analyses a
# foreign table, and without statistics it guesses a few rows and joins a
# check's subjects to their related rows by nested loop (`posture import`
# analyses the tables it writes to from then on).
q "$coordinator" -c "ANALYZE"
echo "distributed $tables tables over $# shards"
