-- Baseline for azure-storage-minimum-tls-1-2: the storage accounts of scan :scan
-- whose minimum TLS version is missing (read as TLS 1.0) or neither TLS1_2 nor
-- TLS1_3.
-- Shape: one scan of storage_account in rowid order (`+a._scan`: see
-- azure-additional-email-address.sql), a test of one column per row; no
-- ORDER BY and no JSON built per row, which is what the engine's statement adds.
SELECT a.id
FROM storage_account AS a
WHERE +a._scan = :scan
  AND (a.minimumTlsVersion IS NULL OR a.minimumTlsVersion NOT IN ('TLS1_2', 'TLS1_3'));
