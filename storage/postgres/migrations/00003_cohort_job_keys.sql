-- Host-level job keys name their cohort, as storage/bolt's schema 7 has
-- them: reminders, nudges, quota warnings and staff alerts move, pending
-- and finished, from <ws>/<kind>/<user>/… to <ws>/<kind>/<cohort>/<user>/…
-- (scheduler/plan.go), so that planning finds what was sent under the keys
-- it now plans and sends nothing twice. The cohort is the workspace's
-- latest: the one host jobs were planned for, and are planned for now. X
-- reminders (<ws>/xreminder/…, kind reminder) keep their keys. The key
-- column is what every read goes by; the job and outcome documents keep the
-- key they were written with. An older sparkbot, which would plan every
-- such job again under its old key, refuses a database at this version.

-- +goose Up
UPDATE jobs AS j
SET key = j.ws || convert_to('/' || j.kind || '/' || c.id || '/', 'UTF8')
    || substring(j.key FROM length(j.ws) + length(j.kind) + 3)
FROM (SELECT ws, max(id) AS id FROM cohorts GROUP BY ws) AS c
WHERE c.ws = j.ws
  AND j.kind IN ('reminder', 'nudge', 'warning', 'alert')
  AND substring(j.key FROM 1 FOR length(j.ws) + length(j.kind) + 2) = j.ws || convert_to('/' || j.kind || '/', 'UTF8');

-- +goose Down
UPDATE jobs AS j
SET key = j.ws || convert_to('/' || j.kind || '/', 'UTF8')
    || substring(j.key FROM length(j.ws) + length(j.kind) + length(c.id::text) + 4)
FROM (SELECT ws, max(id) AS id FROM cohorts GROUP BY ws) AS c
WHERE c.ws = j.ws
  AND j.kind IN ('reminder', 'nudge', 'warning', 'alert')
  AND substring(j.key FROM 1 FOR length(j.ws) + length(j.kind) + length(c.id::text) + 3)
      = j.ws || convert_to('/' || j.kind || '/' || c.id || '/', 'UTF8');
