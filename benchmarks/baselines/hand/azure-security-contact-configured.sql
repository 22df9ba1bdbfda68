-- Hand-written peer of azure-security-contact-configured on the hand layout:
-- the subscriptions without a contact that has an email and a phone (neither
-- missing nor ""), alert notifications on and notifications by role On.
SELECT s.id, s.display_name FROM subscription AS s
WHERE s.sub NOT IN (SELECT c.sub FROM contact AS c
                    WHERE c.alert_notifications = 1
                    AND c.notification_by_role_state = 'On'
                    AND c.email <> '' AND c.phone <> '');
