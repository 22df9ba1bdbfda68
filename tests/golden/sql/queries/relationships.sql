-- Golden SQL of tests/golden/sql/queries/relationships.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `connectors`: compile_root
SELECT t0."id", t0."id"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "connector"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "connector"
    WHERE "_scan" = :scan), :part_hi)
AND (posture_in(:set1, t0."_rid")
  AND (posture_in(:set2, t0."_rid")
    AND NOT posture_in(:set3, t0."_rid"))
  AND posture_in(:set4, t0."_rid")
  AND posture_in(:set5, t0."_rid")
  AND posture_in(:set6, t0."_rid")
  AND (SELECT count(*)
    FROM "security_contact" AS t7
    WHERE t7."_has_security_contact_rid" = t0."_rid") >= :p5
  AND (SELECT count(*)
    FROM "security_contact" AS t8
    WHERE t8."_has_security_contact_rid" = t0."_rid") < :p6
  AND NOT (posture_in(:set7, t0."_rid")))
-- row set :set1, :set3, :set7
SELECT t1."_has_security_contact_rid", CASE WHEN ((t1."email" = :p1)) THEN 1 END AS "set1", CASE WHEN ((t1."email" = :p2)) THEN 1 END AS "set3", CASE WHEN ((t1."phone" = :p7)) THEN 1 END AS "set7"
FROM "security_contact" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
-- row set :set2
SELECT t2."_has_security_contact_rid"
FROM "security_contact" AS t2
WHERE t2."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
-- row set :set4
SELECT t4."_has_security_contact_rid"
FROM "security_contact" AS t4
WHERE t4."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t4."isEnabled" = :p3)
GROUP BY 1 HAVING count(*) = 1
-- row set :set5
SELECT t5."_has_security_contact_rid"
FROM "security_contact" AS t5
WHERE t5."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
-- row set :set6
SELECT t6."_has_security_contact_rid"
FROM "security_contact" AS t6
WHERE t6."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t6."emails" IS NOT NULL
  AND (instr(t6."emails", :p4) > 0
    AND (instr(t6."emails", '\' || :p4) = 0
      OR instr(',' || substr(t6."emails", 2, length(t6."emails") - 2) || ',', ',' || :p4 || ',') > 0)))
GROUP BY 1 HAVING count(*) = 1
-- :p1 = "a@x"
-- :p2 = ""
-- :p3 = true
-- :p4 = "\"x\""
-- :p5 = 1
-- :p6 = 3
-- :p7 = "1"

-- root `connectors`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND (posture_in(:set1, t0."_rid")
  AND (posture_in(:set2, t0."_rid")
    AND NOT posture_in(:set3, t0."_rid"))
  AND posture_in(:set4, t0."_rid")
  AND posture_in(:set5, t0."_rid")
  AND posture_in(:set6, t0."_rid")
  AND (SELECT count(*)
    FROM "security_contact" AS t7
    WHERE t7."_has_security_contact_rid" = t0."_rid") >= :p5
  AND (SELECT count(*)
    FROM "security_contact" AS t8
    WHERE t8."_has_security_contact_rid" = t0."_rid") < :p6
  AND NOT (posture_in(:set7, t0."_rid")))
ORDER BY t0."_rid"
-- row set :set1, :set3, :set7
SELECT t1."_has_security_contact_rid", CASE WHEN ((t1."email" = :p1)) THEN 1 END AS "set1", CASE WHEN ((t1."email" = :p2)) THEN 1 END AS "set3", CASE WHEN ((t1."phone" = :p7)) THEN 1 END AS "set7"
FROM "security_contact" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
-- row set :set2
SELECT t2."_has_security_contact_rid"
FROM "security_contact" AS t2
WHERE t2."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
-- row set :set4
SELECT t4."_has_security_contact_rid"
FROM "security_contact" AS t4
WHERE t4."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t4."isEnabled" = :p3)
GROUP BY 1 HAVING count(*) = 1
-- row set :set5
SELECT t5."_has_security_contact_rid"
FROM "security_contact" AS t5
WHERE t5."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
-- row set :set6
SELECT t6."_has_security_contact_rid"
FROM "security_contact" AS t6
WHERE t6."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND (t6."emails" IS NOT NULL
  AND (instr(t6."emails", :p4) > 0
    AND (instr(t6."emails", '\' || :p4) = 0
      OR instr(',' || substr(t6."emails", 2, length(t6."emails") - 2) || ',', ',' || :p4 || ',') > 0)))
GROUP BY 1 HAVING count(*) = 1
-- :p1 = "a@x"
-- :p2 = ""
-- :p3 = true
-- :p4 = "\"x\""
-- :p5 = 1
-- :p6 = 3
-- :p7 = "1"
