-- Watching X (issue 9): hosts' X links, the Spaces the watcher saw, and
-- staff's review decisions on logs. An older sparkbot, which would let a
-- rejected Space be logged again, refuses a database at this version.

-- +goose Up
CREATE TABLE xlinks (
    ws      bytea NOT NULL,
    user_id bytea NOT NULL,
    doc     json  NOT NULL,
    PRIMARY KEY (ws, user_id)
);

-- seen_spaces are the Spaces the watcher saw; open while scheduled or
-- live. seen_space_hosts indexes each by its creator's host and its
-- co-hosts, by its start (At).
CREATE TABLE seen_spaces (
    ws     bytea   NOT NULL,
    id     bytea   NOT NULL,
    cohort integer NOT NULL,
    open   boolean NOT NULL,
    doc    json    NOT NULL,
    PRIMARY KEY (ws, id)
);
CREATE INDEX seen_spaces_open ON seen_spaces (ws, id) WHERE open;
CREATE INDEX seen_spaces_by_cohort ON seen_spaces (ws, cohort);

CREATE TABLE seen_space_hosts (
    ws      bytea       NOT NULL,
    id      bytea       NOT NULL,
    user_id bytea       NOT NULL,
    at      timestamptz NOT NULL,
    at_ns   integer     NOT NULL,
    PRIMARY KEY (ws, id, user_id),
    FOREIGN KEY (ws, id) REFERENCES seen_spaces (ws, id) ON DELETE CASCADE
);
CREATE INDEX seen_space_hosts_by_user ON seen_space_hosts (ws, user_id, at, at_ns, id);

CREATE TABLE reviews (
    ws       bytea NOT NULL,
    space_id bytea NOT NULL,
    doc      json  NOT NULL,
    PRIMARY KEY (ws, space_id)
);

-- +goose Down
DROP TABLE reviews, seen_space_hosts, seen_spaces, xlinks;
