-- PostgreSQL baseline for azure-key-vault-recoverable: the key vaults of scan
-- $1 without soft delete or without purge protection (each missing, or false).
-- Shape: one pass over key_vault (a sequential scan when the scan is most of
-- the table, the (_scan, _rid) index otherwise: the planner's choice).
-- Booleans are stored as 0 and 1, so coalesce(x, 0) = 0 is "missing or false".
SELECT k.id
FROM key_vault AS k
WHERE k._scan = $1
  AND (coalesce(k."enableSoftDelete", 0) = 0 OR coalesce(k."enablePurgeProtection", 0) = 0);
