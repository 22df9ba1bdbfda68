-- Hand-written peer of azure-notify-alerts-high-severity on the hand layout:
-- the subscriptions without a contact that has alert notifications on and a
-- minimal severity of High or lower (missing counts as High: the 2017 API).
SELECT s.id, s.display_name FROM subscription AS s
WHERE s.sub NOT IN (SELECT c.sub FROM contact AS c
                    WHERE c.alert_notifications = 1
                    AND coalesce(c.alert_minimal_severity, 'High') IN ('High', 'Medium', 'Low'));
