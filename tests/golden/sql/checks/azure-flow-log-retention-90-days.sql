-- Golden SQL of queries/azure-flow-log-retention-90-days.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
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
AND (t0."retentionPolicyDays" IS NULL
  OR ((t0."retentionPolicyDays" > :p1)
    AND (t0."retentionPolicyDays" < :p2)))
-- :p1 = 0
-- :p2 = 90

-- root `flowLogs`: compile_matches
SELECT t0."id", t0."name"
FROM "flow_log" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "flow_log"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "flow_log"
  WHERE "_scan" = :scan)
AND (t0."retentionPolicyDays" IS NULL
  OR ((t0."retentionPolicyDays" > :p1)
    AND (t0."retentionPolicyDays" < :p2)))
ORDER BY t0."_rid"
-- :p1 = 0
-- :p2 = 90
