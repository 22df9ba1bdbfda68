-- PostgreSQL baseline for azure-security-contact-configured: the connectors of
-- scan $1 without a security contact that has an email and a phone (neither
-- missing nor ""), alert notifications on and notifications by role On.
-- Shape: one hash anti-join (NOT EXISTS) against the contacts that pass, one
-- sequential pass over security_contact. `<> ''` is not true for NULL, so it
-- also rules out a missing value.
SELECT c.id
FROM connector AS c
WHERE c._scan = $1
  AND NOT EXISTS (SELECT FROM security_contact AS s
                  WHERE s._has_security_contact_rid = c._rid
                    AND s."alertNotifications" = 1
                    AND s."notificationByRoleState" = 'On'
                    AND s.email <> ''
                    AND s.phone <> '');
