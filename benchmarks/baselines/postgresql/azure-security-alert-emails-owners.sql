-- PostgreSQL baseline for azure-security-alert-emails-owners: the connectors of
-- scan $1 without a security contact whose notifications by role are On and
-- include the Owner role.
-- Shape: one hash anti-join (NOT EXISTS) against the contacts that pass.
-- notificationRoles is JSON array text in canonical form, so an element
-- "Owner" always appears as the substring "Owner" with its quotes: strpos()
-- rules out most rows without parsing, and jsonb containment (@> '["Owner"]':
-- an array with the element "Owner"; false for a scalar or an object) decides
-- exactly for the rest (a role x"Owner holds the substring too).
SELECT c.id
FROM connector AS c
WHERE c._scan = $1
  AND NOT EXISTS (SELECT FROM security_contact AS s
                  WHERE s._has_security_contact_rid = c._rid
                    AND s."notificationByRoleState" = 'On'
                    AND strpos(s."notificationRoles", '"Owner"') > 0
                    AND s."notificationRoles"::jsonb @> '["Owner"]');
