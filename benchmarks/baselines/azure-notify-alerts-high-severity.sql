-- Baseline for azure-notify-alerts-high-severity: the connectors of scan :scan
-- without a security contact that has alert notifications on with a minimal
-- severity of High, Medium or Low (or none: the 2017 API always notified High).
-- Shape: an anti-join against one uncorrelated set (the connectors that pass,
-- one sequential pass over security_contact), probed by a scan of connector in
-- rowid order (`+c._scan`: see azure-additional-email-address.sql).
-- `IS NOT NULL` keeps a contact without a parent from turning NOT IN into NULL.
SELECT c.id
FROM connector AS c
WHERE +c._scan = :scan
  AND c._rid NOT IN (SELECT s._has_security_contact_rid FROM security_contact AS s
                     WHERE s.alertNotifications = 1
                       AND coalesce(s.alertMinimalSeverity, 'High') IN ('High', 'Medium', 'Low')
                       AND s._has_security_contact_rid IS NOT NULL);
