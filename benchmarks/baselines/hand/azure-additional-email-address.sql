-- Hand-written peer of azure-additional-email-address on the hand layout
-- (benchmarks/baselines/import/load.sql): the subscriptions with no security
-- contact, or with a contact whose email is missing or "".
SELECT s.id, s.display_name FROM subscription AS s
WHERE s.sub NOT IN (SELECT c.sub FROM contact AS c)
   OR s.sub IN (SELECT c.sub FROM contact AS c WHERE coalesce(c.email, '') = '');
