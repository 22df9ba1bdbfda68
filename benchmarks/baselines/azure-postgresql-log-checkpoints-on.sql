-- Baseline for azure-postgresql-log-checkpoints-on: the PostgreSQL single servers
-- of scan :scan without a log_checkpoints configuration whose value is "on" in
-- any letter case (the check's `value_MATCHES: "(?i)on"`, a whole-value match).
-- Shape: an anti-join against one uncorrelated set (the servers that pass, one
-- pass over server_configuration, the table all five server types share),
-- probed by a scan of postgresql_server in rowid order (`+s._scan`: see
-- azure-additional-email-address.sql). lower() folds ASCII only, which is
-- exact here: no other character case-folds to o or n. A configuration's
-- parent rowid belongs to its own scan, so the set needs no scan test.
SELECT s.id
FROM postgresql_server AS s
WHERE +s._scan = :scan
  AND s._rid NOT IN (SELECT c._pg_server_configuration_rid FROM server_configuration AS c
                     WHERE c.name = 'log_checkpoints'
                       AND lower(c.value) = 'on'
                       AND c._pg_server_configuration_rid IS NOT NULL);
