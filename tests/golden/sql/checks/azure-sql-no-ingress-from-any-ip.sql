-- Golden SQL of queries/azure-sql-no-ingress-from-any-ip.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `sqlServers`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "sql_server" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "sql_server"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "sql_server"
    WHERE "_scan" = :scan), :part_hi)
AND posture_in(:set1, t0."_rid")
-- row set :set1
SELECT t1."_has_sql_firewall_rule_rid"
FROM "sql_firewall_rule" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "sql_firewall_rule"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "sql_firewall_rule"
  WHERE "_scan" = :scan)
AND ((t1."startIpAddress" = :p1)
  OR (t1."endIpAddress" = :p2))
-- :p1 = "0.0.0.0"
-- :p2 = "255.255.255.255"

-- root `sqlServers`: compile_matches
SELECT t0."id", t0."name"
FROM "sql_server" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "sql_server"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "sql_server"
  WHERE "_scan" = :scan)
AND posture_in(:set1, t0."_rid")
ORDER BY t0."_rid"
-- row set :set1
SELECT t1."_has_sql_firewall_rule_rid"
FROM "sql_firewall_rule" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "sql_firewall_rule"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "sql_firewall_rule"
  WHERE "_scan" = :scan)
AND ((t1."startIpAddress" = :p1)
  OR (t1."endIpAddress" = :p2))
-- :p1 = "0.0.0.0"
-- :p2 = "255.255.255.255"
