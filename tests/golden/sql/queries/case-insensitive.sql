-- Golden SQL of tests/golden/sql/queries/case-insensitive.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
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
AND ((lower(t0."email") = lower(:p1))
  AND (t0."email" IS NOT NULL
    AND instr(lower(t0."email"), lower(:p2)) > 0)
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(lower(t0."email") AS BLOB), 1, length(CAST(lower(:p3) AS BLOB))), X'') = CAST(lower(:p3) AS BLOB))
  AND (lower(t0."email") IN (lower(:p4)))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(:p5, t0."email"))
  AND (lower(t0."email") < lower(:p6))
  AND (t0."notificationRoles" IS NOT NULL
    AND (instr(lower(t0."notificationRoles"), lower(:p7)) > 0
      AND (instr(lower(t0."notificationRoles"), '\' || lower(:p7)) = 0
        OR instr(',' || substr(lower(t0."notificationRoles"), 2, length(lower(t0."notificationRoles")) - 2) || ',', ',' || lower(:p7) || ',') > 0))))
-- :p1 = "A@X"
-- :p2 = "@"
-- :p3 = "A"
-- :p4 = "A@X"
-- :p5 = "(?i)A.*"
-- :p6 = "Z"
-- :p7 = "\"owner\""

-- root `securityContacts`: compile_matches
SELECT t0."id", t0."name"
FROM "security_contact" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND ((lower(t0."email") = lower(:p1))
  AND (t0."email" IS NOT NULL
    AND instr(lower(t0."email"), lower(:p2)) > 0)
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(lower(t0."email") AS BLOB), 1, length(CAST(lower(:p3) AS BLOB))), X'') = CAST(lower(:p3) AS BLOB))
  AND (lower(t0."email") IN (lower(:p4)))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(:p5, t0."email"))
  AND (lower(t0."email") < lower(:p6))
  AND (t0."notificationRoles" IS NOT NULL
    AND (instr(lower(t0."notificationRoles"), lower(:p7)) > 0
      AND (instr(lower(t0."notificationRoles"), '\' || lower(:p7)) = 0
        OR instr(',' || substr(lower(t0."notificationRoles"), 2, length(lower(t0."notificationRoles")) - 2) || ',', ',' || lower(:p7) || ',') > 0))))
ORDER BY t0."_rid"
-- :p1 = "A@X"
-- :p2 = "@"
-- :p3 = "A"
-- :p4 = "A@X"
-- :p5 = "(?i)A.*"
-- :p6 = "Z"
-- :p7 = "\"owner\""
