-- Baseline for azure-sql-no-ingress-from-any-ip: the Azure SQL servers of scan
-- :scan with a firewall rule that starts at 0.0.0.0 (all of Azure, or every
-- address) or ends at 255.255.255.255.
-- Shape: a semi-join against one uncorrelated set (the servers that fail, one
-- sequential pass over sql_firewall_rule), probed by a scan of sql_server in
-- rowid order (`+s._scan`: see azure-additional-email-address.sql). A NULL in
-- an IN set cannot add a row, so the set needs no IS NOT NULL; a rule's parent
-- rowid belongs to its own scan, so it needs no scan test either.
SELECT s.id
FROM sql_server AS s
WHERE +s._scan = :scan
  AND s._rid IN (SELECT f._has_sql_firewall_rule_rid FROM sql_firewall_rule AS f
                 WHERE f.startIpAddress = '0.0.0.0' OR f.endIpAddress = '255.255.255.255');
