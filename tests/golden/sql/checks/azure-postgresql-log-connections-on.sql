-- Golden SQL of queries/azure-postgresql-log-connections-on.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `postgreSqlServers`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "postgresql_server" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "postgresql_server"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "postgresql_server"
    WHERE "_scan" = :scan), :part_hi)
AND NOT (posture_in(:set1, t0."_rid"))
-- row set :set1
SELECT t1."_pg_server_configuration_rid"
FROM "server_configuration" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "server_configuration"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "server_configuration"
  WHERE "_scan" = :scan)
AND ((t1."name" = :p1)
  AND (t1."value" IS NOT NULL
    AND posture_regexp(:p2, t1."value")))
-- :p1 = "log_connections"
-- :p2 = "(?i)on"

-- root `postgreSqlServers`: compile_matches
SELECT t0."id", t0."name"
FROM "postgresql_server" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "postgresql_server"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "postgresql_server"
  WHERE "_scan" = :scan)
AND NOT (posture_in(:set1, t0."_rid"))
ORDER BY t0."_rid"
-- row set :set1
SELECT t1."_pg_server_configuration_rid"
FROM "server_configuration" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "server_configuration"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "server_configuration"
  WHERE "_scan" = :scan)
AND ((t1."name" = :p1)
  AND (t1."value" IS NOT NULL
    AND posture_regexp(:p2, t1."value")))
-- :p1 = "log_connections"
-- :p2 = "(?i)on"
