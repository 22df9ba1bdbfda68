-- Golden SQL of queries/azure-sql-minimum-tls-1-2.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `sqlServers`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "sql_server" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "sql_server"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "sql_server"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."minimalTlsVersion" IS NULL
  OR NOT (t0."minimalTlsVersion" IN (:p1, :p2)))
-- :p1 = "1.2"
-- :p2 = "1.3"

-- root `sqlServers`: compile_matches
SELECT t0."id", t0."name"
FROM "sql_server" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "sql_server"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "sql_server"
  WHERE "_scan" = :scan)
AND (t0."minimalTlsVersion" IS NULL
  OR NOT (t0."minimalTlsVersion" IN (:p1, :p2)))
ORDER BY t0."_rid"
-- :p1 = "1.2"
-- :p2 = "1.3"
