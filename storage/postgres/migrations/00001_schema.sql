-- The first schema of sparkbot on PostgreSQL: one table per domain noun, as
-- storage/bolt has one bucket per noun. Identifiers (workspace keys, user
-- ids, Space ids, job keys, token hashes) are bytea: they may hold any
-- bytes, NUL included, and bytea sorts byte by byte, as bbolt's keys do,
-- whatever the database's collation. A record itself is the JSON of its bot
-- type (json, not jsonb: json keeps \u0000 and the text as written); the
-- columns beside it are what queries select, join and order on. A time a
-- query ranges over is a timestamptz (microseconds) and the nanoseconds
-- below it (*_ns), so order and bounds are exact to the nanosecond.

-- +goose Up
CREATE TABLE cohorts (
    ws  bytea   NOT NULL,
    id  integer NOT NULL,
    doc json    NOT NULL,
    PRIMARY KEY (ws, id)
);

CREATE TABLE hosts (
    ws      bytea NOT NULL,
    user_id bytea NOT NULL,
    doc     json  NOT NULL,
    PRIMARY KEY (ws, user_id)
);

CREATE TABLE applications (
    ws      bytea NOT NULL,
    user_id bytea NOT NULL,
    doc     json  NOT NULL,
    PRIMARY KEY (ws, user_id)
);

-- schedule_ids hands out a workspace's schedule IDs: never reused, not even
-- after a delete. Its row is also the lock that numbers a host's schedules.
CREATE TABLE schedule_ids (
    ws   bytea  PRIMARY KEY,
    last bigint NOT NULL
);

CREATE TABLE schedules (
    ws      bytea   NOT NULL,
    id      bigint  NOT NULL,
    user_id bytea   NOT NULL,
    number  integer NOT NULL,
    doc     json    NOT NULL,
    PRIMARY KEY (ws, id)
);
CREATE INDEX schedules_by_user ON schedules (ws, user_id, id);

CREATE TABLE logs (
    ws       bytea       NOT NULL,
    space_id bytea       NOT NULL,
    user_id  bytea       NOT NULL,
    start    timestamptz NOT NULL,
    start_ns integer     NOT NULL,
    doc      json        NOT NULL,
    PRIMARY KEY (ws, space_id)
);
CREATE INDEX logs_by_time ON logs (ws, start, start_ns, space_id);
CREATE INDEX logs_by_user ON logs (ws, user_id, start, start_ns, space_id);

CREATE TABLE stipends (
    ws     bytea   NOT NULL,
    cohort integer NOT NULL,
    month  text    NOT NULL, -- YYYY-MM
    doc    json    NOT NULL,
    PRIMARY KEY (ws, cohort, month)
);

CREATE TABLE sequences (
    ws    bytea  NOT NULL,
    name  bytea  NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (ws, name)
);

-- jobs is the due index and the outbox in one: a row is pending while
-- result is NULL (job holds it), finished once result is set (outcome
-- holds it). One row per key is what makes a key added at most once and,
-- once finished, never again: adding, finishing and dropping a key all
-- contend on that one row. A pending job may be claimed by one replica
-- (claimed_by) until lease_until, on the database's clock.
CREATE TABLE jobs (
    key         bytea       PRIMARY KEY,
    kind        text        NOT NULL,
    due         timestamptz,
    due_ns      integer,
    job         json,
    claimed_by  text,
    lease_until timestamptz,
    ws          bytea,
    result      text,
    at          timestamptz,
    at_ns       integer,
    outcome     json,
    CHECK ((result IS NULL) = (outcome IS NULL)),
    CHECK ((result IS NULL) = (job IS NOT NULL))
);
CREATE INDEX jobs_due ON jobs (due, due_ns, key) WHERE result IS NULL;
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE result IS NULL AND lease_until IS NOT NULL;
CREATE INDEX outcomes_by_time ON jobs (at, at_ns, key) WHERE result IS NOT NULL;
CREATE INDEX failures ON jobs (ws, at, at_ns, key) WHERE result = 'failed';

-- meta holds single values: when planning last completed, the readiness
-- probe's last write.
CREATE TABLE meta (
    name  text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE tokens (
    hash       bytea PRIMARY KEY,
    expires    timestamptz,
    expires_ns integer,
    grant_doc  json  NOT NULL
);
CREATE INDEX tokens_by_expiry ON tokens (expires, expires_ns) WHERE expires IS NOT NULL;

-- feeds names each owner's one feed of a scope; deleting the token deletes
-- the name.
CREATE TABLE feeds (
    ws      bytea NOT NULL,
    user_id bytea NOT NULL,
    scope   text  NOT NULL,
    hash    bytea NOT NULL UNIQUE REFERENCES tokens (hash) ON DELETE CASCADE,
    PRIMARY KEY (ws, user_id, scope)
);

-- replays remembers the signed requests the replicas acted on, until their
-- signature window ends (edge's ReplaySet, shared).
CREATE TABLE replays (
    key   bytea       PRIMARY KEY,
    until timestamptz NOT NULL
);
CREATE INDEX replays_by_until ON replays (until);

-- rate_buckets are the per-user command limiter's token buckets. UNLOGGED:
-- they are worth nothing after a crash, and skip the write-ahead log.
CREATE UNLOGGED TABLE rate_buckets (
    key    text             PRIMARY KEY,
    tokens double precision NOT NULL,
    at     timestamptz      NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets, replays, feeds, tokens, meta, jobs, sequences, stipends,
    logs, schedules, schedule_ids, applications, hosts, cohorts;
