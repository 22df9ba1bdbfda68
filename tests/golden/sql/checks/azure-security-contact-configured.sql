-- Golden SQL of queries/azure-security-contact-configured.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `connectors`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "connector"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "connector"
    WHERE "_scan" = :scan), :part_hi)
AND NOT (posture_in(:set1, t0."_rid"))
-- row set :set1
SELECT t1."_has_security_contact_rid"
FROM "security_contact" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (NOT (t1."email" IN (:p1))
  AND NOT (t1."phone" IN (:p2))
  AND (t1."alertNotifications" = :p3)
  AND (t1."notificationByRoleState" = :p4))
-- :p1 = ""
-- :p2 = ""
-- :p3 = true
-- :p4 = "On"

-- root `connectors`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND NOT (posture_in(:set1, t0."_rid"))
ORDER BY t0."_rid"
-- row set :set1
SELECT t1."_has_security_contact_rid"
FROM "security_contact" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (NOT (t1."email" IN (:p1))
  AND NOT (t1."phone" IN (:p2))
  AND (t1."alertNotifications" = :p3)
  AND (t1."notificationByRoleState" = :p4))
-- :p1 = ""
-- :p2 = ""
-- :p3 = true
-- :p4 = "On"
