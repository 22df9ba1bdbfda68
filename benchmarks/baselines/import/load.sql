-- The hand-written peer of `posture import` (benchmarks/run runs it): SQLite's
-- own load of an ARM JSON Lines inventory into a layout written for speed, by
-- the sqlite3 shell and JSON1 alone. Standard input is the JSON Lines file:
--
--   sqlite3 peer.db ".read benchmarks/baselines/import/load.sql" < inventory.jsonl
--
-- Layout: subscriptions keyed by an integer, their security contacts stored
-- clustered by that key (WITHOUT ROWID, primary key (subscription, name)),
-- the three contact API versions (2017, 2020, 2023) normalised at load to
-- one set of columns, booleans as 0/1. Durability as Posture's store: the
-- new file loaded in one transaction through a rollback journal, synchronous
-- NORMAL, then WAL (as a new Posture store's first scan, docs/robustness.md).
-- Pages of 32 KiB, as Posture's: a scan reads a fraction of the pages of 4 KiB
-- a read(2) each (docs/performance.md, "Page size").
.bail on
PRAGMA page_size = 32768;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -65536;
PRAGMA temp_store = FILE;

CREATE TABLE subscription (
  sub INTEGER PRIMARY KEY,
  arm_key TEXT NOT NULL UNIQUE,  -- lower-cased /subscriptions/<guid>
  id TEXT NOT NULL,
  subscription_id TEXT,
  display_name TEXT,
  state TEXT,
  tenant_id TEXT
);
CREATE TABLE contact (
  sub INTEGER NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  api TEXT NOT NULL,              -- 2017, 2020 or 2023
  email TEXT,
  phone TEXT,
  alert_notifications INTEGER,    -- 0/1
  alert_minimal_severity TEXT,
  notification_by_role_state TEXT,
  notification_roles TEXT,        -- JSON array
  is_enabled INTEGER,
  PRIMARY KEY (sub, name)
) WITHOUT ROWID;

-- Every line as one text value: ASCII mode with a unit separator no JSON
-- line holds, so the shell splits on newlines only and never unquotes.
CREATE TEMP TABLE line (j TEXT);
.mode ascii
.separator "\037" "\n"
.import /dev/stdin line

BEGIN;
INSERT INTO subscription (arm_key, id, subscription_id, display_name, state, tenant_id)
SELECT lower(j ->> '$.id'), j ->> '$.id', j ->> '$.subscriptionId', j ->> '$.displayName',
       j ->> '$.state', j ->> '$.tenantId'
FROM line
WHERE j ->> '$.subscriptionId' IS NOT NULL AND j ->> '$.type' IS NULL;

-- Contacts: the items of list envelopes and of arrays, each placed under its subscription
-- by the /subscriptions/<guid> prefix of its id.
INSERT OR REPLACE INTO contact (sub, name, id, api, email, phone, alert_notifications,
                                alert_minimal_severity, notification_by_role_state,
                                notification_roles, is_enabled)
SELECT s.sub, c.name, c.id, c.api,
       CASE c.api WHEN '2017' THEN c.p ->> '$.email' ELSE c.p ->> '$.emails' END,
       c.p ->> '$.phone',
       CASE c.api
         WHEN '2017' THEN lower(c.p ->> '$.alertNotifications') = 'on'
         WHEN '2020' THEN lower(c.p ->> '$.alertNotifications.state') = 'on'
         ELSE coalesce(c.p ->> '$.isEnabled', 1) <> 0 AND EXISTS (
                SELECT 1 FROM json_each(c.p, '$.notificationsSources') AS src
                WHERE lower(src.value ->> '$.sourceType') = 'alert')
       END,
       CASE c.api
         WHEN '2020' THEN c.p ->> '$.alertNotifications.minimalSeverity'
         WHEN '2023' THEN (SELECT src.value ->> '$.minimalSeverity'
                           FROM json_each(c.p, '$.notificationsSources') AS src
                           WHERE lower(src.value ->> '$.sourceType') = 'alert' LIMIT 1)
       END,
       CASE c.api WHEN '2017' THEN c.p ->> '$.alertsToAdmins'
                  ELSE c.p ->> '$.notificationsByRole.state' END,
       CASE c.api
         WHEN '2017' THEN CASE lower(c.p ->> '$.alertsToAdmins') WHEN 'on' THEN '["Owner"]'
                                                                 WHEN 'off' THEN '[]' END
         ELSE c.p -> '$.notificationsByRole.roles'
       END,
       c.p ->> '$.isEnabled'
FROM (SELECT item.value ->> '$.id' AS id, item.value ->> '$.name' AS name,
             item.value -> '$.properties' AS p,
             CASE
               WHEN item.value -> '$.properties.notificationsSources' IS NOT NULL
                 OR item.value -> '$.properties.isEnabled' IS NOT NULL THEN '2023'
               WHEN item.value -> '$.properties.emails' IS NOT NULL
                 OR json_type(item.value, '$.properties.alertNotifications') = 'object'
                 OR item.value -> '$.properties.notificationsByRole' IS NOT NULL THEN '2020'
               ELSE '2017'
             END AS api
      FROM line, json_each(line.j, iif(json_type(line.j) = 'array', '$', '$.value')) AS item
      WHERE json_type(line.j) = 'array' OR line.j -> '$.value' IS NOT NULL) AS c
JOIN subscription AS s
  ON s.arm_key = lower(substr(c.id, 1, 15 + instr(substr(c.id, 16), '/') - 1));
COMMIT;
DROP TABLE line;
.output /dev/null
PRAGMA journal_mode = WAL;
.output
SELECT 'peer: ' || (SELECT count(*) FROM subscription) || ' subscriptions, ' ||
       (SELECT count(*) FROM contact) || ' security contacts';
