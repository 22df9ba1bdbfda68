-- PostgreSQL baseline for azure-notify-alerts-high-severity: the connectors of
-- scan $1 without a security contact that has alert notifications on with a
-- minimal severity of High, Medium or Low (or none: the 2017 API always
-- notified High).
-- Shape: one hash anti-join (NOT EXISTS) against the contacts that pass.
SELECT c.id
FROM connector AS c
WHERE c._scan = $1
  AND NOT EXISTS (SELECT FROM security_contact AS s
                  WHERE s._has_security_contact_rid = c._rid
                    AND s."alertNotifications" = 1
                    AND coalesce(s."alertMinimalSeverity", 'High') IN ('High', 'Medium', 'Low'));
