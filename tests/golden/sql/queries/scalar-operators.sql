-- Golden SQL of tests/golden/sql/queries/scalar-operators.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; ?1 is the scan.

-- root `securityContacts`: compile_root
SELECT json_object('id', t0."id")
FROM "security_contact" AS t0
WHERE t0."_scan" = ?1
AND ((t0."email" IS NOT NULL
    AND t0."email" = ?2)
  AND NOT ((t0."email" IS NOT NULL
      AND t0."email" = ?3))
  AND (t0."email" IS NULL
    OR (t0."email" IS NOT NULL
      AND t0."email" IN (?4)))
  AND NOT ((t0."email" IS NOT NULL
      AND t0."email" IN (?5)))
  AND (t0."email" IS NOT NULL
    AND t0."email" < ?6)
  AND (t0."email" IS NOT NULL
    AND t0."email" <= ?7)
  AND (t0."email" IS NOT NULL
    AND t0."email" > ?8)
  AND (t0."email" IS NOT NULL
    AND t0."email" >= ?9)
  AND (t0."email" IS NOT NULL
    AND instr(t0."email", ?10) > 0)
  AND NOT ((t0."email" IS NOT NULL
      AND instr(t0."email", ?11) > 0))
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(?12 AS BLOB))), X'') = CAST(?12 AS BLOB))
  AND NOT ((t0."email" IS NOT NULL
      AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(?13 AS BLOB))), X'') = CAST(?13 AS BLOB)))
  AND (t0."email" IS NOT NULL
    AND (length(CAST(?14 AS BLOB)) = 0
      OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(?14 AS BLOB))), X'') = CAST(?14 AS BLOB)))
  AND NOT ((t0."email" IS NOT NULL
      AND (length(CAST(?15 AS BLOB)) = 0
        OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(?15 AS BLOB))), X'') = CAST(?15 AS BLOB))))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(?16, t0."email"))
  AND (t0."phone" IS NOT NULL
    AND t0."phone" = ?17)
  AND (t0."phone" IS NOT NULL
    AND t0."phone" IN (?18, ?19))
  AND (t0."phone" IS NOT NULL
    AND instr(t0."phone", ?20) > 0))
ORDER BY t0."_key"
-- ?1 = 0
-- ?2 = "a@x"
-- ?3 = "b@x"
-- ?4 = "a@x"
-- ?5 = "c@x"
-- ?6 = "z"
-- ?7 = "z"
-- ?8 = "a"
-- ?9 = "a"
-- ?10 = "@"
-- ?11 = "%"
-- ?12 = "a"
-- ?13 = "_"
-- ?14 = "x"
-- ?15 = "y"
-- ?16 = "a.*"
-- ?17 = "1"
-- ?18 = "1"
-- ?19 = "2"
-- ?20 = "1"

-- root `securityContacts`: compile_matches
SELECT t0."id", t0."name", t0."_key"
FROM "security_contact" AS t0
WHERE +t0."_scan" = ?1
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = ?1) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = ?1)
AND ((t0."email" IS NOT NULL
    AND t0."email" = ?2)
  AND NOT ((t0."email" IS NOT NULL
      AND t0."email" = ?3))
  AND (t0."email" IS NULL
    OR (t0."email" IS NOT NULL
      AND t0."email" IN (?4)))
  AND NOT ((t0."email" IS NOT NULL
      AND t0."email" IN (?5)))
  AND (t0."email" IS NOT NULL
    AND t0."email" < ?6)
  AND (t0."email" IS NOT NULL
    AND t0."email" <= ?7)
  AND (t0."email" IS NOT NULL
    AND t0."email" > ?8)
  AND (t0."email" IS NOT NULL
    AND t0."email" >= ?9)
  AND (t0."email" IS NOT NULL
    AND instr(t0."email", ?10) > 0)
  AND NOT ((t0."email" IS NOT NULL
      AND instr(t0."email", ?11) > 0))
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(?12 AS BLOB))), X'') = CAST(?12 AS BLOB))
  AND NOT ((t0."email" IS NOT NULL
      AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(?13 AS BLOB))), X'') = CAST(?13 AS BLOB)))
  AND (t0."email" IS NOT NULL
    AND (length(CAST(?14 AS BLOB)) = 0
      OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(?14 AS BLOB))), X'') = CAST(?14 AS BLOB)))
  AND NOT ((t0."email" IS NOT NULL
      AND (length(CAST(?15 AS BLOB)) = 0
        OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(?15 AS BLOB))), X'') = CAST(?15 AS BLOB))))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(?16, t0."email"))
  AND (t0."phone" IS NOT NULL
    AND t0."phone" = ?17)
  AND (t0."phone" IS NOT NULL
    AND t0."phone" IN (?18, ?19))
  AND (t0."phone" IS NOT NULL
    AND instr(t0."phone", ?20) > 0))
ORDER BY t0."_rid"
-- ?1 = 0
-- ?2 = "a@x"
-- ?3 = "b@x"
-- ?4 = "a@x"
-- ?5 = "c@x"
-- ?6 = "z"
-- ?7 = "z"
-- ?8 = "a"
-- ?9 = "a"
-- ?10 = "@"
-- ?11 = "%"
-- ?12 = "a"
-- ?13 = "_"
-- ?14 = "x"
-- ?15 = "y"
-- ?16 = "a.*"
-- ?17 = "1"
-- ?18 = "1"
-- ?19 = "2"
-- ?20 = "1"
