-- Golden SQL of tests/golden/sql/queries/through.graphql (tests/unit/sql_compiler_test.cpp, SqlGolden).
-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
-- Line breaks and indentation are added; :scan is the scan.

-- root `storageAccounts`: compile_root
SELECT t0."name", COALESCE((SELECT t0_blobServiceDeletePolicyDays."deleteRetentionPolicyDays"
    FROM "blob_service" AS t0_blobServiceDeletePolicyDays
    WHERE t0_blobServiceDeletePolicyDays."_has_blob_service_rid" = t0."_rid"
    AND t0_blobServiceDeletePolicyDays."deleteRetentionPolicyDays" IS NOT NULL
    ORDER BY t0_blobServiceDeletePolicyDays."_rid"
    LIMIT :p9), :p10), t0."id"
FROM "storage_account" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "storage_account"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "storage_account"
  WHERE "_scan" = :scan)
AND ((COALESCE((SELECT t0_blobServiceDeletePolicyEnabled."deleteRetentionPolicyEnabled"
        FROM "blob_service" AS t0_blobServiceDeletePolicyEnabled
        WHERE t0_blobServiceDeletePolicyEnabled."_has_blob_service_rid" = t0."_rid"
        AND t0_blobServiceDeletePolicyEnabled."deleteRetentionPolicyEnabled" IS NOT NULL
        ORDER BY t0_blobServiceDeletePolicyEnabled."_rid"
        LIMIT :p1), :p2) = :p3)
  OR (COALESCE((SELECT max(CASE WHEN t0_isBlobServicesDiagnosticsSettingsEnabled."resourceType" IS NOT NULL
          AND lower(t0_isBlobServicesDiagnosticsSettingsEnabled."resourceType") = lower(:p4) THEN 1 ELSE 0 END)
        FROM "diagnostic_setting" AS t0_isBlobServicesDiagnosticsSettingsEnabled
        WHERE t0_isBlobServicesDiagnosticsSettingsEnabled."_storage_diagnostic_setting_rid" = t0."_rid"), :p5) = :p6))
ORDER BY COALESCE((SELECT t0_blobServiceDeletePolicyDays."deleteRetentionPolicyDays"
    FROM "blob_service" AS t0_blobServiceDeletePolicyDays
    WHERE t0_blobServiceDeletePolicyDays."_has_blob_service_rid" = t0."_rid"
    AND t0_blobServiceDeletePolicyDays."deleteRetentionPolicyDays" IS NOT NULL
    ORDER BY t0_blobServiceDeletePolicyDays."_rid"
    LIMIT :p7), :p8) DESC, t0."_key"
-- :p1 = 1
-- :p2 = false
-- :p3 = false
-- :p4 = "Microsoft.Storage/storageAccounts/blobServices"
-- :p5 = false
-- :p6 = false
-- :p7 = 1
-- :p8 = 0
-- :p9 = 1
-- :p10 = 0

-- root `storageAccounts`: compile_matches
SELECT t0."id", t0."name"
FROM "storage_account" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "storage_account"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "storage_account"
  WHERE "_scan" = :scan)
AND ((COALESCE((SELECT t0_blobServiceDeletePolicyEnabled."deleteRetentionPolicyEnabled"
        FROM "blob_service" AS t0_blobServiceDeletePolicyEnabled
        WHERE t0_blobServiceDeletePolicyEnabled."_has_blob_service_rid" = t0."_rid"
        AND t0_blobServiceDeletePolicyEnabled."deleteRetentionPolicyEnabled" IS NOT NULL
        ORDER BY t0_blobServiceDeletePolicyEnabled."_rid"
        LIMIT :p1), :p2) = :p3)
  OR (COALESCE((SELECT max(CASE WHEN t0_isBlobServicesDiagnosticsSettingsEnabled."resourceType" IS NOT NULL
          AND lower(t0_isBlobServicesDiagnosticsSettingsEnabled."resourceType") = lower(:p4) THEN 1 ELSE 0 END)
        FROM "diagnostic_setting" AS t0_isBlobServicesDiagnosticsSettingsEnabled
        WHERE t0_isBlobServicesDiagnosticsSettingsEnabled."_storage_diagnostic_setting_rid" = t0."_rid"), :p5) = :p6))
ORDER BY t0."_rid"
-- :p1 = 1
-- :p2 = false
-- :p3 = false
-- :p4 = "Microsoft.Storage/storageAccounts/blobServices"
-- :p5 = false
-- :p6 = false

-- root `users`: compile_root
SELECT t0."name", json(CASE COALESCE((SELECT t0_mfaActive."isMfaCapable"
      FROM "user_registration_details" AS t0_mfaActive
      WHERE t0_mfaActive."_rid" = t0."_user_registration_ref"
      AND t0_mfaActive."isMfaCapable" IS NOT NULL
      ORDER BY t0_mfaActive."_rid"
      LIMIT :p6), :p7) WHEN 1 THEN 'true' WHEN 0 THEN 'false' END), t0."id"
FROM "entra_user" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN max((SELECT min("_rid")
    FROM "entra_user"
    WHERE "_scan" = :scan), :part_lo) AND min((SELECT max("_rid")
    FROM "entra_user"
    WHERE "_scan" = :scan), :part_hi)
AND ((COALESCE((SELECT t0_mfaActive."isMfaCapable"
        FROM "user_registration_details" AS t0_mfaActive
        WHERE t0_mfaActive."_rid" = t0."_user_registration_ref"
        AND t0_mfaActive."isMfaCapable" IS NOT NULL
        ORDER BY t0_mfaActive."_rid"
        LIMIT :p1), :p2) = :p3)
  AND ((SELECT t0_isAdmin."isAdmin"
      FROM "user_registration_details" AS t0_isAdmin
      WHERE t0_isAdmin."_rid" = t0."_user_registration_ref"
      AND t0_isAdmin."isAdmin" IS NOT NULL
      ORDER BY t0_isAdmin."_rid"
      LIMIT :p4) = :p5))
-- :p1 = 1
-- :p2 = false
-- :p3 = false
-- :p4 = 1
-- :p5 = true
-- :p6 = 1
-- :p7 = false

-- root `users`: compile_matches
SELECT t0."id", t0."name"
FROM "entra_user" AS t0
WHERE +t0."_scan" = :scan
AND t0."_rid" BETWEEN (SELECT min("_rid")
  FROM "entra_user"
  WHERE "_scan" = :scan) AND (SELECT max("_rid")
  FROM "entra_user"
  WHERE "_scan" = :scan)
AND ((COALESCE((SELECT t0_mfaActive."isMfaCapable"
        FROM "user_registration_details" AS t0_mfaActive
        WHERE t0_mfaActive."_rid" = t0."_user_registration_ref"
        AND t0_mfaActive."isMfaCapable" IS NOT NULL
        ORDER BY t0_mfaActive."_rid"
        LIMIT :p1), :p2) = :p3)
  AND ((SELECT t0_isAdmin."isAdmin"
      FROM "user_registration_details" AS t0_isAdmin
      WHERE t0_isAdmin."_rid" = t0."_user_registration_ref"
      AND t0_isAdmin."isAdmin" IS NOT NULL
      ORDER BY t0_isAdmin."_rid"
      LIMIT :p4) = :p5))
ORDER BY t0."_rid"
-- :p1 = 1
-- :p2 = false
-- :p3 = false
-- :p4 = 1
-- :p5 = true
