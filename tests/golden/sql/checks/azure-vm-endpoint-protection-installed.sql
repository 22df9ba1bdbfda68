-- Golden SQL of queries/azure-vm-endpoint-protection-installed.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
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
AND NOT posture_in(:set1, t0."_rid")
-- row set :set1
SELECT t1."_has_vm_extension_rid"
FROM "vm_extension" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "vm_extension"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "vm_extension"
  WHERE "_scan" = :scan)
AND ((t1."publisher" = :p1)
  AND (t1."extensionType" IN (:p2, :p3))
  AND (t1."provisioningState" = :p4))
-- :p1 = "Microsoft.Azure.AzureDefenderForServers"
-- :p2 = "MDE.Windows"
-- :p3 = "MDE.Linux"
-- :p4 = "Succeeded"

-- root `vms`: compile_matches
SELECT t0."id", t0."name"
FROM "virtual_machine" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "virtual_machine"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "virtual_machine"
  WHERE "_scan" = :scan)
AND NOT posture_in(:set1, t0."_rid")
ORDER BY t0."_rid"
-- row set :set1
SELECT t1."_has_vm_extension_rid"
FROM "vm_extension" AS t1
WHERE t1."_rid" BETWEEN (SELECT min("_rid")
  FROM "vm_extension"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "vm_extension"
  WHERE "_scan" = :scan)
AND ((t1."publisher" = :p1)
  AND (t1."extensionType" IN (:p2, :p3))
  AND (t1."provisioningState" = :p4))
-- :p1 = "Microsoft.Azure.AzureDefenderForServers"
-- :p2 = "MDE.Windows"
-- :p3 = "MDE.Linux"
-- :p4 = "Succeeded"
