-- Hand-written peer of `posture check --format json` for the four checks on
-- security contacts, on the hand layout: one pass over the subscriptions in
-- key order, each joined to its own contacts (clustered under its key), that
-- writes the whole verdict table to standard output as CSV: one row per
-- subscription, its id, one PASS/FAIL column per check and its name.
.mode csv
.headers on
SELECT s.id,
       iif(count(c.sub) = 0 OR max(coalesce(c.email, '') = ''), 'FAIL', 'PASS')
         AS "azure-additional-email-address",
       iif(coalesce(max(c.alert_notifications = 1 AND coalesce(c.alert_minimal_severity, 'High')
                          IN ('High', 'Medium', 'Low')), 0), 'PASS', 'FAIL')
         AS "azure-notify-alerts-high-severity",
       iif(coalesce(max(c.notification_by_role_state = 'On'
                        AND instr(c.notification_roles, 'Owner') > 0
                        AND EXISTS (SELECT 1 FROM json_each(c.notification_roles) AS r
                                    WHERE r.value = 'Owner')), 0), 'PASS', 'FAIL')
         AS "azure-security-alert-emails-owners",
       iif(coalesce(max(c.alert_notifications = 1 AND c.notification_by_role_state = 'On'
                        AND c.email <> '' AND c.phone <> ''), 0), 'PASS', 'FAIL')
         AS "azure-security-contact-configured",
       s.display_name AS name
FROM subscription AS s LEFT JOIN contact AS c ON c.sub = s.sub
GROUP BY s.sub;
