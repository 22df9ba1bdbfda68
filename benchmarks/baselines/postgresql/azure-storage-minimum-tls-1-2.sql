-- PostgreSQL baseline for azure-storage-minimum-tls-1-2: the storage accounts
-- of scan $1 whose minimum TLS version is missing (read as TLS 1.0) or neither
-- TLS1_2 nor TLS1_3.
-- Shape: one pass over storage_account, a test of one column per row; no
-- ORDER BY and no JSON built per row, which is what the engine's statement adds.
SELECT a.id
FROM storage_account AS a
WHERE a._scan = $1
  AND (a."minimumTlsVersion" IS NULL OR a."minimumTlsVersion" NOT IN ('TLS1_2', 'TLS1_3'));
