-- Baseline for azure-additional-email-address: the connectors of scan :scan with
-- no security contact, or with a contact whose email is missing or "".
-- Shape: two uncorrelated sets built once each (the connectors that have a
-- contact, read from the covering FK index; the connectors with a contact
-- lacking an email, one sequential pass over security_contact), probed by a
-- scan of connector in rowid order. `+c._scan` keeps SQLite off the
-- (_scan, _key) index: on a store whose scan is most of the table (a benchmark
-- store; what SQLite itself picks after ANALYZE) the table scan is cheaper
-- than an index walk plus one row seek per result. The result is the same on
-- any store; only the speed assumes it.
SELECT c.id
FROM connector AS c
WHERE +c._scan = :scan
  AND (c._rid NOT IN (SELECT s._has_security_contact_rid FROM security_contact AS s
                      WHERE s._has_security_contact_rid IS NOT NULL)
       OR c._rid IN (SELECT s._has_security_contact_rid FROM security_contact AS s
                     WHERE coalesce(s.email, '') = ''));
