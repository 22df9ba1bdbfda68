-- Golden SQL of queries/azure-notify-alerts-high-severity.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; ?1 is the scan.

-- root `connectors`: compile_root
SELECT json_object('id', t0."id", 'name', t0."name", 'provider', t0."provider")
FROM "connector" AS t0
WHERE t0."_scan" = ?1
AND NOT (t0."_rid" IN (SELECT t1."_has_security_contact_rid"
    FROM "security_contact" AS t1
    WHERE t1."_has_security_contact_rid" IS NOT NULL
    AND t1."_rid" BETWEEN (SELECT min("_rid")
      FROM "security_contact"
      WHERE "_scan" = ?1) AND (SELECT max("_rid")
      FROM "security_contact"
      WHERE "_scan" = ?1)
    AND ((t1."alertNotifications" IS NOT NULL
        AND t1."alertNotifications" = ?2)
      AND (t1."alertMinimalSeverity" IS NULL
        OR (t1."alertMinimalSeverity" IS NOT NULL
          AND t1."alertMinimalSeverity" IN (?3, ?4, ?5))))))
ORDER BY t0."_key"
-- ?1 = 0
-- ?2 = true
-- ?3 = "High"
-- ?4 = "Medium"
-- ?5 = "Low"

-- root `connectors`: compile_matches
SELECT t0."id", t0."name", t0."_key"
FROM "connector" AS t0
WHERE +t0."_scan" = ?1
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "connector"
  WHERE "_scan" = ?1) AND (SELECT max("_rid")
  FROM "connector"
  WHERE "_scan" = ?1)
AND NOT (t0."_rid" IN (SELECT t1."_has_security_contact_rid"
    FROM "security_contact" AS t1
    WHERE t1."_has_security_contact_rid" IS NOT NULL
    AND t1."_rid" BETWEEN (SELECT min("_rid")
      FROM "security_contact"
      WHERE "_scan" = ?1) AND (SELECT max("_rid")
      FROM "security_contact"
      WHERE "_scan" = ?1)
    AND ((t1."alertNotifications" IS NOT NULL
        AND t1."alertNotifications" = ?2)
      AND (t1."alertMinimalSeverity" IS NULL
        OR (t1."alertMinimalSeverity" IS NOT NULL
          AND t1."alertMinimalSeverity" IN (?3, ?4, ?5))))))
ORDER BY t0."_rid"
-- ?1 = 0
-- ?2 = true
-- ?3 = "High"
-- ?4 = "Medium"
-- ?5 = "Low"
