-- Golden SQL of queries/azure-flow-log-traffic-analytics.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `flowLogs`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "flow_log" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "flow_log"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "flow_log"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."enabled" IS NULL
  OR (t0."enabled" IN (:p1))
  OR t0."trafficAnalyticsEnabled" IS NULL
  OR (t0."trafficAnalyticsEnabled" IN (:p2)))
-- :p1 = false
-- :p2 = false

-- root `flowLogs`: compile_matches
SELECT t0."id", t0."name"
FROM "flow_log" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "flow_log"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "flow_log"
  WHERE "_scan" = :scan)
AND (t0."enabled" IS NULL
  OR (t0."enabled" IN (:p1))
  OR t0."trafficAnalyticsEnabled" IS NULL
  OR (t0."trafficAnalyticsEnabled" IN (:p2)))
ORDER BY t0."_rid"
-- :p1 = false
-- :p2 = false
