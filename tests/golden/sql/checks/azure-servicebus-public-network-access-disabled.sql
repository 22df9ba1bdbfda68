-- Golden SQL of queries/azure-servicebus-public-network-access-disabled.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `serviceBusNamespaces`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "servicebus_namespace" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "servicebus_namespace"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "servicebus_namespace"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."publicNetworkAccess" IS NULL
  OR NOT (t0."publicNetworkAccess" IN (:p1)))
-- :p1 = "Disabled"

-- root `serviceBusNamespaces`: compile_matches
SELECT t0."id", t0."name"
FROM "servicebus_namespace" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "servicebus_namespace"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "servicebus_namespace"
  WHERE "_scan" = :scan)
AND (t0."publicNetworkAccess" IS NULL
  OR NOT (t0."publicNetworkAccess" IN (:p1)))
ORDER BY t0."_rid"
-- :p1 = "Disabled"
