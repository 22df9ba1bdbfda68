-- Golden SQL of queries/azure-aks-rbac-enabled.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `aksClusters`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "aks_cluster" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "aks_cluster"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "aks_cluster"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."enableRBAC" IS NULL
  OR (t0."enableRBAC" IN (:p1)))
-- :p1 = false

-- root `aksClusters`: compile_matches
SELECT t0."id", t0."name"
FROM "aks_cluster" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "aks_cluster"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "aks_cluster"
  WHERE "_scan" = :scan)
AND (t0."enableRBAC" IS NULL
  OR (t0."enableRBAC" IN (:p1)))
ORDER BY t0."_rid"
-- :p1 = false
