-- Baseline for azure-security-alert-emails-owners: the connectors of scan :scan
-- without a security contact whose notifications by role are On and include
-- the Owner role.
-- Shape: an anti-join against one uncorrelated set (the connectors that pass,
-- one sequential pass over security_contact), probed by a scan of connector in
-- rowid order (`+c._scan`: see azure-additional-email-address.sql).
-- notificationRoles is JSON array text written by the store in canonical form
-- (compact, ASCII letters never escaped), so an element "Owner" always appears
-- as the substring "Owner" with its quotes: instr() rules out most rows without
-- parsing. The substring can also end an element holding a quote (x"Owner), so
-- when the text holds \"Owner" json_each decides exactly.
SELECT c.id
FROM connector AS c
WHERE +c._scan = :scan
  AND c._rid NOT IN (SELECT s._has_security_contact_rid FROM security_contact AS s
                     WHERE s.notificationByRoleState = 'On'
                       AND instr(s.notificationRoles, '"Owner"') > 0
                       AND (instr(s.notificationRoles, '\"Owner"') = 0
                            OR EXISTS (SELECT 1 FROM json_each(s.notificationRoles) AS r
                                       WHERE r.value = 'Owner'))
                       AND s._has_security_contact_rid IS NOT NULL);
