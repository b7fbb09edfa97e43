-- The X watcher's generation: moved by every replica that changes hosts,
-- links, schedules or a cohort, read by the leader before each watch round
-- (watch.go). A sequence rather than a row, so that changes never wait on
-- each other's lock.

-- +goose Up
CREATE SEQUENCE IF NOT EXISTS watch_generation;

-- +goose Down
DROP SEQUENCE IF EXISTS watch_generation;
