-- Golden SQL of queries/azure-redis-tls-only.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `redisInstances`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "redis_instance" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "redis_instance"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "redis_instance"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."enableNonSslPort" IS NULL
  OR (t0."enableNonSslPort" IN (:p1))
  OR t0."minimumTlsVersion" IS NULL
  OR NOT (t0."minimumTlsVersion" IN (:p2)))
-- :p1 = true
-- :p2 = "1.2"

-- root `redisInstances`: compile_matches
SELECT t0."id", t0."name"
FROM "redis_instance" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "redis_instance"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "redis_instance"
  WHERE "_scan" = :scan)
AND (t0."enableNonSslPort" IS NULL
  OR (t0."enableNonSslPort" IN (:p1))
  OR t0."minimumTlsVersion" IS NULL
  OR NOT (t0."minimumTlsVersion" IN (:p2)))
ORDER BY t0."_rid"
-- :p1 = true
-- :p2 = "1.2"
