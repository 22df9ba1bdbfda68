-- Golden SQL of tests/golden/sql/queries/lists.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
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
AND ((t0."emails" IS NOT NULL
    AND (instr(t0."emails", :p1) > 0
      AND (instr(t0."emails", '\' || :p1) = 0
        OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || :p1 || ',') > 0)))
  AND NOT (t0."emails" IS NOT NULL
    AND (instr(t0."emails", :p2) > 0
      AND (instr(t0."emails", '\' || :p2) = 0
        OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || :p2 || ',') > 0)))
  AND (t0."emails" = :p3)
  AND NOT (t0."emails" = :p4))
-- :p1 = "\"a@x\""
-- :p2 = "\"b@x\""
-- :p3 = "[\"a@x\"]"
-- :p4 = "[]"

-- root `securityContacts`: compile_matches
SELECT t0."id", t0."name"
FROM "security_contact" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND ((t0."emails" IS NOT NULL
    AND (instr(t0."emails", :p1) > 0
      AND (instr(t0."emails", '\' || :p1) = 0
        OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || :p1 || ',') > 0)))
  AND NOT (t0."emails" IS NOT NULL
    AND (instr(t0."emails", :p2) > 0
      AND (instr(t0."emails", '\' || :p2) = 0
        OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || :p2 || ',') > 0)))
  AND (t0."emails" = :p3)
  AND NOT (t0."emails" = :p4))
ORDER BY t0."_rid"
-- :p1 = "\"a@x\""
-- :p2 = "\"b@x\""
-- :p3 = "[\"a@x\"]"
-- :p4 = "[]"
