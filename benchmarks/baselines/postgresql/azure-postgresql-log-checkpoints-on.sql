-- PostgreSQL baseline for azure-postgresql-log-checkpoints-on: the PostgreSQL
-- single servers of scan $1 without a log_checkpoints configuration whose
-- value is "on" in any letter case (the check's `value_MATCHES: "(?i)on"`, a
-- whole-value match).
-- Shape: one hash anti-join (NOT EXISTS) against the configurations that pass
-- (server_configuration is shared by the five server types: the parent column
-- picks PostgreSQL's). lower() folds ASCII only in the "C" collation the store
-- uses, which is exact here: no other character case-folds to o or n.
SELECT s.id
FROM postgresql_server AS s
WHERE s._scan = $1
  AND NOT EXISTS (SELECT FROM server_configuration AS c
                  WHERE c._pg_server_configuration_rid = s._rid
                    AND c.name = 'log_checkpoints'
                    AND lower(c.value) = 'on');
