-- Golden SQL of queries/azure-additional-email-address.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
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
AND (NOT (posture_in(:set1, t0."_rid"))
  OR posture_in(:set2, t0."_rid"))
-- row set :set1
SELECT t1."_has_security_contact_rid"
FROM "security_contact" AS t1
WHERE t1."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
-- row set :set2
SELECT t2."_has_security_contact_rid"
FROM "security_contact" AS t2
WHERE t2."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t2."email" IS NULL
  OR (t2."email" = :p1))
-- :p1 = ""

-- root `connectors`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND (NOT (posture_in(:set1, t0."_rid"))
  OR posture_in(:set2, t0."_rid"))
ORDER BY t0."_rid"
-- row set :set1
SELECT t1."_has_security_contact_rid"
FROM "security_contact" AS t1
WHERE t1."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
-- row set :set2
SELECT t2."_has_security_contact_rid"
FROM "security_contact" AS t2
WHERE t2."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t2."email" IS NULL
  OR (t2."email" = :p1))
-- :p1 = ""
