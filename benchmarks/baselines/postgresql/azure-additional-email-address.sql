-- PostgreSQL baseline for azure-additional-email-address: the connectors of
-- scan $1 with no security contact, or with a contact whose email is missing
-- or "".
-- Shape: two disjoint branches, each one hash join: the connectors without a
-- contact (a hash anti-join against security_contact's parent column) and
-- the connectors with a contact lacking an email (a hash semi-join against
-- those contacts; having one, they are never in the first branch, so UNION
-- ALL needs no duplicate removal). An OR of the two EXISTS would keep
-- PostgreSQL from turning either into a join; NOT IN (subquery) is a hashed
-- subplan only while the set fits in work_mem, and a row-by-row rescan past it.
SELECT c.id
FROM connector AS c
WHERE c._scan = $1
  AND NOT EXISTS (SELECT FROM security_contact AS s WHERE s._has_security_contact_rid = c._rid)
UNION ALL
SELECT c.id
FROM connector AS c
WHERE c._scan = $1
  AND EXISTS (SELECT FROM security_contact AS s
              WHERE s._has_security_contact_rid = c._rid AND coalesce(s.email, '') = '');
