-- Golden SQL of queries/azure-vm-trusted-launch.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `vms`: compile_root
SELECT t0."id", t0."name", t0."provider", t0."id"
FROM "virtual_machine" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "virtual_machine"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "virtual_machine"
    WHERE "_scan" = :scan), :part_hi)
AND (t0."securityType" IS NULL
  OR NOT (t0."securityType" IN (:p1, :p2))
  OR t0."securityProfileUefiSettingsSecureBootEnabled" IS NULL
  OR (t0."securityProfileUefiSettingsSecureBootEnabled" IN (:p3))
  OR t0."securityProfileUefiSettingsVTpmEnabled" IS NULL
  OR (t0."securityProfileUefiSettingsVTpmEnabled" IN (:p4)))
-- :p1 = "TrustedLaunch"
-- :p2 = "ConfidentialVM"
-- :p3 = false
-- :p4 = false

-- root `vms`: compile_matches
SELECT t0."id", t0."name"
FROM "virtual_machine" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "virtual_machine"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "virtual_machine"
  WHERE "_scan" = :scan)
AND (t0."securityType" IS NULL
  OR NOT (t0."securityType" IN (:p1, :p2))
  OR t0."securityProfileUefiSettingsSecureBootEnabled" IS NULL
  OR (t0."securityProfileUefiSettingsSecureBootEnabled" IN (:p3))
  OR t0."securityProfileUefiSettingsVTpmEnabled" IS NULL
  OR (t0."securityProfileUefiSettingsVTpmEnabled" IN (:p4)))
ORDER BY t0."_rid"
-- :p1 = "TrustedLaunch"
-- :p2 = "ConfidentialVM"
-- :p3 = false
-- :p4 = false
