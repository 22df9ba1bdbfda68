-- The hand-written peer of `posture import --db postgresql://...`
-- (benchmarks/run runs it when given --postgresql URI): PostgreSQL's own load
-- of an ARM JSON Lines inventory, by psql alone: COPY of every line into a
-- jsonb staging table, then INSERT ... SELECT into a layout written for speed.
-- Standard input is the JSON Lines file; the database should be empty:
--
--   psql -X -q -v ON_ERROR_STOP=1 -d URI -f benchmarks/baselines/import/load-postgresql.sql < inventory.jsonl
--
-- Layout: subscriptions keyed by a bigint identity, their security contacts
-- clustered by that key (primary key (sub, name)), the three contact API
-- versions (2017, 2020, 2023) normalised at load to one set of columns,
-- booleans as 0/1, text in the "C" collation as Posture's store. Durability
-- as Posture's import: one transaction for the data, the server's own
-- settings. The staging table is temporary (not WAL-logged).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset tuples_only on
\pset format unaligned
DROP TABLE IF EXISTS peer_contact, peer_subscription;

CREATE TABLE peer_subscription (
  sub bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  arm_key text COLLATE "C" NOT NULL UNIQUE,  -- lower-cased /subscriptions/<guid>
  id text COLLATE "C" NOT NULL,
  subscription_id text COLLATE "C",
  display_name text COLLATE "C",
  state text COLLATE "C",
  tenant_id text COLLATE "C"
);
CREATE TABLE peer_contact (
  sub bigint NOT NULL,
  name text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  api text COLLATE "C" NOT NULL,              -- 2017, 2020 or 2023
  email text COLLATE "C",
  phone text COLLATE "C",
  alert_notifications bigint,                 -- 0/1
  alert_minimal_severity text COLLATE "C",
  notification_by_role_state text COLLATE "C",
  notification_roles text COLLATE "C",        -- JSON array
  is_enabled bigint,
  PRIMARY KEY (sub, name)
);

BEGIN;
-- Every line as one jsonb value: CSV with a quote and a delimiter no JSON
-- line holds (JSON escapes every control character), so COPY neither splits
-- nor unescapes a line. \copy ... FROM pstdin is COPY ... FROM STDIN fed
-- from psql's standard input (not from this file).
CREATE TEMP TABLE line (j jsonb) ON COMMIT DROP;
\copy line (j) FROM pstdin WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')

INSERT INTO peer_subscription (arm_key, id, subscription_id, display_name, state, tenant_id)
SELECT lower(j ->> 'id'), j ->> 'id', j ->> 'subscriptionId', j ->> 'displayName', j ->> 'state',
       j ->> 'tenantId'
FROM line
WHERE j ? 'subscriptionId' AND NOT j ? 'type' AND jsonb_typeof(j) = 'object';

-- Contacts: the items of list envelopes and of arrays, each placed under its
-- subscription by the /subscriptions/<guid> prefix of its id. The last of two
-- items with one (subscription, name) wins, as in load.sql's INSERT OR REPLACE.
INSERT INTO peer_contact (sub, name, id, api, email, phone, alert_notifications,
                          alert_minimal_severity, notification_by_role_state,
                          notification_roles, is_enabled)
SELECT DISTINCT ON (s.sub, c.name) s.sub, c.name, c.id, c.api,
       CASE c.api WHEN '2017' THEN c.p ->> 'email' ELSE c.p ->> 'emails' END,
       c.p ->> 'phone',
       (CASE c.api
          WHEN '2017' THEN lower(c.p ->> 'alertNotifications') = 'on'
          WHEN '2020' THEN lower(c.p #>> '{alertNotifications,state}') = 'on'
          ELSE coalesce((c.p -> 'isEnabled')::boolean, true) AND EXISTS (
                 SELECT FROM jsonb_array_elements(c.p -> 'notificationsSources') AS src
                 WHERE lower(src ->> 'sourceType') = 'alert')
        END)::int,
       CASE c.api
         WHEN '2020' THEN c.p #>> '{alertNotifications,minimalSeverity}'
         WHEN '2023' THEN (SELECT src ->> 'minimalSeverity'
                           FROM jsonb_array_elements(c.p -> 'notificationsSources') AS src
                           WHERE lower(src ->> 'sourceType') = 'alert' LIMIT 1)
       END,
       CASE c.api WHEN '2017' THEN c.p ->> 'alertsToAdmins'
                  ELSE c.p #>> '{notificationsByRole,state}' END,
       CASE c.api
         WHEN '2017' THEN CASE lower(c.p ->> 'alertsToAdmins') WHEN 'on' THEN '["Owner"]'
                                                               WHEN 'off' THEN '[]' END
         ELSE (c.p #> '{notificationsByRole,roles}')::text
       END,
       (c.p -> 'isEnabled')::boolean::int
FROM (SELECT item ->> 'id' AS id, item ->> 'name' AS name, item -> 'properties' AS p, n,
             CASE
               WHEN item #> '{properties,notificationsSources}' IS NOT NULL
                 OR item #> '{properties,isEnabled}' IS NOT NULL THEN '2023'
               WHEN item #> '{properties,emails}' IS NOT NULL
                 OR jsonb_typeof(item #> '{properties,alertNotifications}') = 'object'
                 OR item #> '{properties,notificationsByRole}' IS NOT NULL THEN '2020'
               ELSE '2017'
             END AS api
      FROM line,
           jsonb_array_elements(CASE jsonb_typeof(line.j) WHEN 'array' THEN line.j
                                                          ELSE line.j -> 'value' END)
             WITH ORDINALITY AS item(item, n)
      WHERE jsonb_typeof(line.j) = 'array' OR jsonb_typeof(line.j -> 'value') = 'array') AS c
JOIN peer_subscription AS s
  ON s.arm_key = lower(substr(c.id, 1, 15 + strpos(substr(c.id, 16), '/') - 1))
ORDER BY s.sub, c.name, c.n DESC;
COMMIT;
SELECT 'peer: ' || (SELECT count(*) FROM peer_subscription) || ' subscriptions, ' ||
       (SELECT count(*) FROM peer_contact) || ' security contacts';
