-- Hand-written peer of azure-security-alert-emails-owners on the hand layout:
-- the subscriptions without a contact whose notifications by role are On and
-- include Owner. notification_roles is the JSON array text as ARM sent it;
-- instr() rules out most rows and json_each decides the rest.
SELECT s.id, s.display_name FROM subscription AS s
WHERE s.sub NOT IN (SELECT c.sub FROM contact AS c
                    WHERE c.notification_by_role_state = 'On'
                    AND instr(c.notification_roles, 'Owner') > 0
                    AND EXISTS (SELECT 1 FROM json_each(c.notification_roles) AS r
                                WHERE r.value = 'Owner'));
