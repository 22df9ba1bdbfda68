-- Golden SQL of tests/golden/sql/queries/selections.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `n`: compile_root
SELECT json_object('count', count(*))
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND posture_in(:set1, t0."_rid")
-- row set :set1
SELECT t1."_has_security_contact_rid"
FROM "security_contact" AS t1
WHERE t1."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)

-- root `n`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND posture_in(:set1, t0."_rid")
ORDER BY t0."_rid"
-- row set :set1
SELECT t1."_has_security_contact_rid"
FROM "security_contact" AS t1
WHERE t1."_has_security_contact_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)

-- root `first`: compile_root
SELECT t0."id", 'Connector', (SELECT json_group_array(json(j))
  FROM (SELECT json_object('email', t1."email", 'emails', json(t1."emails")) AS j
    FROM "security_contact" AS t1
    WHERE t1."_has_security_contact_rid" = t0."_rid"
    AND t1."email" IS NOT NULL
    ORDER BY t1."_key"
    LIMIT :p3)), json_object('count', (SELECT count(*)
    FROM "security_contact" AS t2
    WHERE t2."_has_security_contact_rid" = t0."_rid")), t0."id"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND t0."name" IS NOT NULL
ORDER BY t0."name" DESC, t0."id" ASC, t0."_key"
LIMIT :p1
OFFSET :p2
-- :p1 = 2
-- :p2 = 1
-- :p3 = 1

-- root `first`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
AND t0."name" IS NOT NULL
ORDER BY t0."_rid"

-- root `connectors`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
ORDER BY t0."state" ASC, t0."_key"
LIMIT :p1
-- :p1 = 5

-- root `connectors`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
ORDER BY t0."_rid"

-- root `page`: compile_root
SELECT t0."id", t0."id"
FROM "connector" AS t0
WHERE t0."_scan" = :scan
ORDER BY t0."_key"
LIMIT :p1
OFFSET :p2
-- :p1 = 2
-- :p2 = 4

-- root `page`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
ORDER BY t0."_rid"

-- root `all`: compile_root
SELECT json_object('count', count(*))
FROM "connector" AS t0
WHERE t0."_scan" = :scan

-- root `all`: compile_matches
SELECT t0."id", t0."name"
FROM "connector" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = :scan)
ORDER BY t0."_rid"
