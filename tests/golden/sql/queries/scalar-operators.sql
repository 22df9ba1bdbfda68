-- Golden SQL of tests/golden/sql/queries/scalar-operators.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
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
AND ((t0."email" = :p1)
  AND NOT (t0."email" = :p2)
  AND (t0."email" IS NULL
    OR (t0."email" IN (:p3)))
  AND NOT (t0."email" IN (:p4))
  AND (t0."email" < :p5)
  AND (t0."email" <= :p6)
  AND (t0."email" > :p7)
  AND (t0."email" >= :p8)
  AND (t0."email" IS NOT NULL
    AND instr(t0."email", :p9) > 0)
  AND NOT (t0."email" IS NOT NULL
    AND instr(t0."email", :p10) > 0)
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(:p11 AS BLOB))), X'') = CAST(:p11 AS BLOB))
  AND NOT (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(:p12 AS BLOB))), X'') = CAST(:p12 AS BLOB))
  AND (t0."email" IS NOT NULL
    AND (length(CAST(:p13 AS BLOB)) = 0
      OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(:p13 AS BLOB))), X'') = CAST(:p13 AS BLOB)))
  AND NOT (t0."email" IS NOT NULL
    AND (length(CAST(:p14 AS BLOB)) = 0
      OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(:p14 AS BLOB))), X'') = CAST(:p14 AS BLOB)))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(:p15, t0."email"))
  AND (t0."phone" = :p16)
  AND (t0."phone" IN (:p17, :p18))
  AND (t0."phone" IS NOT NULL
    AND instr(t0."phone", :p19) > 0))
-- :p1 = "a@x"
-- :p2 = "b@x"
-- :p3 = "a@x"
-- :p4 = "c@x"
-- :p5 = "z"
-- :p6 = "z"
-- :p7 = "a"
-- :p8 = "a"
-- :p9 = "@"
-- :p10 = "%"
-- :p11 = "a"
-- :p12 = "_"
-- :p13 = "x"
-- :p14 = "y"
-- :p15 = "a.*"
-- :p16 = "1"
-- :p17 = "1"
-- :p18 = "2"
-- :p19 = "1"

-- root `securityContacts`: compile_matches
SELECT t0."id", t0."name"
FROM "security_contact" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "security_contact"
  WHERE "_scan" = :scan)
AND ((t0."email" = :p1)
  AND NOT (t0."email" = :p2)
  AND (t0."email" IS NULL
    OR (t0."email" IN (:p3)))
  AND NOT (t0."email" IN (:p4))
  AND (t0."email" < :p5)
  AND (t0."email" <= :p6)
  AND (t0."email" > :p7)
  AND (t0."email" >= :p8)
  AND (t0."email" IS NOT NULL
    AND instr(t0."email", :p9) > 0)
  AND NOT (t0."email" IS NOT NULL
    AND instr(t0."email", :p10) > 0)
  AND (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(:p11 AS BLOB))), X'') = CAST(:p11 AS BLOB))
  AND NOT (t0."email" IS NOT NULL
    AND coalesce(substr(CAST(t0."email" AS BLOB), 1, length(CAST(:p12 AS BLOB))), X'') = CAST(:p12 AS BLOB))
  AND (t0."email" IS NOT NULL
    AND (length(CAST(:p13 AS BLOB)) = 0
      OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(:p13 AS BLOB))), X'') = CAST(:p13 AS BLOB)))
  AND NOT (t0."email" IS NOT NULL
    AND (length(CAST(:p14 AS BLOB)) = 0
      OR coalesce(substr(CAST(t0."email" AS BLOB), -length(CAST(:p14 AS BLOB))), X'') = CAST(:p14 AS BLOB)))
  AND (t0."email" IS NOT NULL
    AND posture_regexp(:p15, t0."email"))
  AND (t0."phone" = :p16)
  AND (t0."phone" IN (:p17, :p18))
  AND (t0."phone" IS NOT NULL
    AND instr(t0."phone", :p19) > 0))
ORDER BY t0."_rid"
-- :p1 = "a@x"
-- :p2 = "b@x"
-- :p3 = "a@x"
-- :p4 = "c@x"
-- :p5 = "z"
-- :p6 = "z"
-- :p7 = "a"
-- :p8 = "a"
-- :p9 = "@"
-- :p10 = "%"
-- :p11 = "a"
-- :p12 = "_"
-- :p13 = "x"
-- :p14 = "y"
-- :p15 = "a.*"
-- :p16 = "1"
-- :p17 = "1"
-- :p18 = "2"
-- :p19 = "1"
