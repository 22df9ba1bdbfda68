-- Baseline for azure-key-vault-recoverable: the key vaults of scan :scan without
-- soft delete or without purge protection (each missing, or false).
-- Shape: one scan of key_vault in rowid order (`+k._scan`: see
-- azure-additional-email-address.sql). Booleans are stored as 0 and 1, so
-- coalesce(x, 0) = 0 is "missing or false" in one comparison.
SELECT k.id
FROM key_vault AS k
WHERE +k._scan = :scan
  AND (coalesce(k.enableSoftDelete, 0) = 0 OR coalesce(k.enablePurgeProtection, 0) = 0);
