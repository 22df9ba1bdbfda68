-- PostgreSQL baseline for azure-sql-no-ingress-from-any-ip: the Azure SQL
-- servers of scan $1 with a firewall rule that starts at 0.0.0.0 (all of
-- Azure, or every address) or ends at 255.255.255.255.
-- Shape: one hash semi-join (EXISTS) against the rules that open the server.
-- A rule's parent rowid belongs to its own scan, so the rules need no scan test.
SELECT s.id
FROM sql_server AS s
WHERE s._scan = $1
  AND EXISTS (SELECT FROM sql_firewall_rule AS f
              WHERE f._has_sql_firewall_rule_rid = s._rid
                AND (f."startIpAddress" = '0.0.0.0' OR f."endIpAddress" = '255.255.255.255'));
