-- Golden SQL of tests/golden/sql/queries/case-insensitive.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; ?1 is the scan.

-- root `securityContacts`: compile_root
SELECT json_object('id', t0."id")
FROM "security_contact" AS t0
WHERE t0."_scan" = ?1
AND ((t0."email" IS NOT NULL
    AND lower(t0."email") = lower(?2))
  AND (t0."email" IS NOT NULL
    AND instr(lower(t0."email"), lower(?3)) > 0)
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(lower(t0."email") AS BLOB), 1, length(CAST(lower(?4) AS BLOB))), X'') = CAST(lower(?4) AS BLOB))
  AND (t0."email" IS NOT NULL
    AND lower(t0."email") IN (lower(?5)))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(?6, t0."email"))
  AND (t0."email" IS NOT NULL
    AND lower(t0."email") < lower(?7))
  AND (t0."notificationRoles" IS NOT NULL
    AND (instr(lower(t0."notificationRoles"), lower(?8)) > 0
      AND (instr(lower(t0."notificationRoles"), '\' || lower(?8)) = 0
        OR instr(',' || substr(lower(t0."notificationRoles"), 2, length(lower(t0."notificationRoles")) - 2) || ',', ',' || lower(?8) || ',') > 0))))
ORDER BY t0."_key"
-- ?1 = 0
-- ?2 = "A@X"
-- ?3 = "@"
-- ?4 = "A"
-- ?5 = "A@X"
-- ?6 = "(?i)A.*"
-- ?7 = "Z"
-- ?8 = "\"owner\""

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
    AND lower(t0."email") = lower(?2))
  AND (t0."email" IS NOT NULL
    AND instr(lower(t0."email"), lower(?3)) > 0)
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(lower(t0."email") AS BLOB), 1, length(CAST(lower(?4) AS BLOB))), X'') = CAST(lower(?4) AS BLOB))
  AND (t0."email" IS NOT NULL
    AND lower(t0."email") IN (lower(?5)))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(?6, t0."email"))
  AND (t0."email" IS NOT NULL
    AND lower(t0."email") < lower(?7))
  AND (t0."notificationRoles" IS NOT NULL
    AND (instr(lower(t0."notificationRoles"), lower(?8)) > 0
      AND (instr(lower(t0."notificationRoles"), '\' || lower(?8)) = 0
        OR instr(',' || substr(lower(t0."notificationRoles"), 2, length(lower(t0."notificationRoles")) - 2) || ',', ',' || lower(?8) || ',') > 0))))
ORDER BY t0."_rid"
-- ?1 = 0
-- ?2 = "A@X"
-- ?3 = "@"
-- ?4 = "A"
-- ?5 = "A@X"
-- ?6 = "(?i)A.*"
-- ?7 = "Z"
-- ?8 = "\"owner\""
