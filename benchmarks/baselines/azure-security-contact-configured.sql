-- Baseline for azure-security-contact-configured: the connectors of scan :scan
-- without a security contact that has an email and a phone (neither missing
-- nor ""), alert notifications on and notifications by role On.
-- Shape: an anti-join against one uncorrelated set (the connectors that pass,
-- one sequential pass over security_contact), probed by a scan of connector in
-- rowid order (`+c._scan`: see azure-additional-email-address.sql).
-- `<> ''` is false for NULL in a WHERE clause, so it also rules out a missing value.
SELECT c.id
FROM connector AS c
WHERE +c._scan = :scan
  AND c._rid NOT IN (SELECT s._has_security_contact_rid FROM security_contact AS s
                     WHERE s.alertNotifications = 1
                       AND s.notificationByRoleState = 'On'
                       AND s.email <> ''
                       AND s.phone <> ''
                       AND s._has_security_contact_rid IS NOT NULL);
