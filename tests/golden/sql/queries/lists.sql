-- Golden SQL of tests/golden/sql/queries/lists.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; ?1 is the scan.

-- root `securityContacts`: compile_root
SELECT json_object('id', t0."id")
FROM "security_contact" AS t0
WHERE t0."_scan" = ?1
AND ((t0."emails" IS NOT NULL
    AND (instr(t0."emails", ?2) > 0
      AND (instr(t0."emails", '\' || ?2) = 0
        OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || ?2 || ',') > 0)))
  AND NOT ((t0."emails" IS NOT NULL
      AND (instr(t0."emails", ?3) > 0
        AND (instr(t0."emails", '\' || ?3) = 0
          OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || ?3 || ',') > 0))))
  AND (t0."emails" IS NOT NULL
    AND t0."emails" = ?4)
  AND NOT ((t0."emails" IS NOT NULL
      AND t0."emails" = ?5)))
ORDER BY t0."_key"
-- ?1 = 0
-- ?2 = "\"a@x\""
-- ?3 = "\"b@x\""
-- ?4 = "[\"a@x\"]"
-- ?5 = "[]"

-- root `securityContacts`: compile_matches
SELECT t0."id", t0."name", t0."_key"
FROM "security_contact" AS t0
WHERE +t0."_scan" = ?1
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = ?1) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = ?1)
AND ((t0."emails" IS NOT NULL
    AND (instr(t0."emails", ?2) > 0
      AND (instr(t0."emails", '\' || ?2) = 0
        OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || ?2 || ',') > 0)))
  AND NOT ((t0."emails" IS NOT NULL
      AND (instr(t0."emails", ?3) > 0
        AND (instr(t0."emails", '\' || ?3) = 0
          OR instr(',' || substr(t0."emails", 2, length(t0."emails") - 2) || ',', ',' || ?3 || ',') > 0))))
  AND (t0."emails" IS NOT NULL
    AND t0."emails" = ?4)
  AND NOT ((t0."emails" IS NOT NULL
      AND t0."emails" = ?5)))
ORDER BY t0."_rid"
-- ?1 = 0
-- ?2 = "\"a@x\""
-- ?3 = "\"b@x\""
-- ?4 = "[\"a@x\"]"
-- ?5 = "[]"
