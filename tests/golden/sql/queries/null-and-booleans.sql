-- Golden SQL of tests/golden/sql/queries/null-and-booleans.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `securityContacts`: compile_root
SELECT t0."id", t0."id"
FROM "security_contact" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "security_contact"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "security_contact"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."email" IS NULL
  AND t0."phone" IS NOT NULL
  AND (t0."isEnabled" = :p1)
  AND NOT (t0."isEnabled" = :p2)
  AND (t0."alertNotifications" IS NULL
    OR (t0."alertNotifications" IN (:p3))))
-- :p1 = true
-- :p2 = false
-- :p3 = true

-- root `securityContacts`: compile_matches
SELECT t0."id", t0."name"
FROM "security_contact" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t0."email" IS NULL
  AND t0."phone" IS NOT NULL
  AND (t0."isEnabled" = :p1)
  AND NOT (t0."isEnabled" = :p2)
  AND (t0."alertNotifications" IS NULL
    OR (t0."alertNotifications" IN (:p3))))
ORDER BY t0."_rid"
-- :p1 = true
-- :p2 = false
-- :p3 = true
