package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// The due index and the outbox are one table, jobs (see the migration): a
// row per key, pending (result NULL) or finished. A pending row's due and
// due_ns order the due index; a finished row's at and at_ns order the
// outcomes. Like bbolt's job buckets, the table is global: one index scan
// finds what is due across every workspace.

var _ bot.JobStore = (*DB)(nil)

// addJobsChunk is how many jobs one AddJobs statement writes at most, so a
// cold start adding 600,000 jobs commits a chunk at a time.
const addJobsChunk = 10_000

// jobsChannel is the notification every AddJobs that added a job sends;
// notify.go listens. It is per schema: see channel.
const jobsNotice = `SELECT pg_notify($1, '')`

// AddJobs records the jobs whose keys are neither pending nor finished and
// leaves the others as they are; of one key given twice, the first counts.
// Each chunk of addJobsChunk jobs is one statement in its own transaction;
// if a later chunk fails, the earlier stay added, and adding is
// idempotent, so the caller retries the whole call. A chunk that added a
// job notifies the other replicas.
func (db *DB) AddJobs(ctx context.Context, jobs []bot.Job) error {
	for _, j := range jobs {
		if err := requireField("job", "Key", j.Key); err != nil {
			return err
		}
	}
	order := firstOfEachKey(jobs)
	for chunk := range slices.Chunk(order, addJobsChunk) {
		if err := db.addJobs(ctx, jobs, chunk); err != nil {
			return err
		}
	}
	return nil
}

// firstOfEachKey returns the indexes of jobs, in key order, keeping the
// first job of each key.
func firstOfEachKey(jobs []bot.Job) []int {
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(jobs[a].Key, jobs[b].Key) })
	return slices.CompactFunc(order, func(a, b int) bool { return jobs[a].Key == jobs[b].Key })
}

// addJobs inserts jobs[order] in one statement of arrays, in key order, so
// that two replicas adding overlapping sets lock rows in the same order.
func (db *DB) addJobs(ctx context.Context, jobs []bot.Job, order []int) error {
	n := len(order)
	keys, kinds, wss := make([][]byte, 0, n), make([]string, 0, n), make([][]byte, 0, n)
	dues, dueNs, docs := make([]time.Time, 0, n), make([]int32, 0, n), make([][]byte, 0, n)
	for _, i := range order {
		j := jobs[i]
		doc, err := encodeDoc("job "+j.Key, j)
		if err != nil {
			return err
		}
		keys, kinds, wss = append(keys, []byte(j.Key)), append(kinds, string(j.Kind)), append(wss, wsKey(j.Workspace))
		dues, dueNs, docs = append(dues, j.Due), append(dueNs, nanos(j.Due)), append(docs, doc)
	}
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO jobs (key, kind, ws, due, due_ns, job)
			SELECT * FROM unnest($1::bytea[], $2::text[], $3::bytea[], $4::timestamptz[], $5::integer[], $6::json[])
			ORDER BY 1
			ON CONFLICT (key) DO NOTHING`, keys, kinds, wss, dues, dueNs, docs)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		_, err = tx.Exec(ctx, jobsNotice, db.channel())
		return err
	})
}

const jobColumns = `key, job`

func scanJob(row pgx.Row) (bot.Job, error) {
	var j bot.Job
	var key, doc []byte
	if err := row.Scan(&key, &doc); err != nil {
		return j, err
	}
	if err := decodeDoc("job", doc, &j); err != nil {
		return j, err
	}
	j.Key = string(key)
	return j, nil
}

// DueJobs returns up to limit pending jobs due at or before now, by due
// time then key: one scan of jobs_due that stops at the first job after
// now, so a tick with nothing due reads one index entry. Claims do not
// hide a job from it (claim.go's ClaimJobs does that).
func (db *DB) DueJobs(ctx context.Context, now time.Time, limit int) ([]bot.Job, error) {
	if limit <= 0 {
		return []bot.Job{}, nil
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+jobColumns+` FROM jobs
		WHERE result IS NULL AND (due, due_ns) <= ($1, $2)
		ORDER BY due, due_ns, key LIMIT $3`, now, nanos(now), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanJob)
}

// NextDue returns the earliest due time of any pending job, in UTC.
func (db *DB) NextDue(ctx context.Context) (due time.Time, ok bool, err error) {
	var ts time.Time
	var ns int32
	err = db.pool.QueryRow(ctx, `
		SELECT due, due_ns FROM jobs WHERE result IS NULL ORDER BY due, due_ns, key LIMIT 1`).Scan(&ts, &ns)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return instant(ts, ns), true, nil
}

// UpdateJob replaces the pending job j.Key with j, moving it in the due
// index if its due time changed, and gives up any claim on it: the worker
// that held it is done with it for now. ErrNotFound if it is not pending.
func (db *DB) UpdateJob(ctx context.Context, j bot.Job) error {
	if err := requireField("job", "Key", j.Key); err != nil {
		return err
	}
	doc, err := encodeDoc("job "+j.Key, j)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `
		UPDATE jobs SET kind = $2, ws = $3, due = $4, due_ns = $5, job = $6, claimed_by = NULL, lease_until = NULL
		WHERE key = $1 AND result IS NULL`,
		[]byte(j.Key), string(j.Kind), wsKey(j.Workspace), j.Due, nanos(j.Due), doc)
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("job %s: %w", j.Key, bot.ErrNotFound)
	}
	return err
}

// FinishJob turns the job o.Key into its outcome o, pending or not, and
// replaces an earlier outcome of the same key: one statement on one row.
func (db *DB) FinishJob(ctx context.Context, o bot.Outcome) error {
	if err := requireField("outcome", "Key", o.Key); err != nil {
		return err
	}
	args, err := outcomeArgs(o)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, finishJob, args...)
	return err
}

// finishJob turns a key's row, pending or not, into its outcome.
const finishJob = `
	INSERT INTO jobs (key, kind, ws, result, at, at_ns, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, ws = excluded.ws, result = excluded.result,
		at = excluded.at, at_ns = excluded.at_ns, outcome = excluded.outcome,
		due = NULL, due_ns = NULL, job = NULL, claimed_by = NULL, lease_until = NULL`

func outcomeArgs(o bot.Outcome) ([]any, error) {
	doc, err := encodeDoc("outcome "+o.Key, o)
	if err != nil {
		return nil, err
	}
	return []any{[]byte(o.Key), string(o.Kind), wsKey(o.Workspace), string(o.Result), o.At, nanos(o.At), doc}, nil
}

// DropJob removes the pending job of key, if any, without an outcome.
func (db *DB) DropJob(ctx context.Context, key string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM jobs WHERE key = $1 AND result IS NULL`, []byte(key))
	return err
}

// keyRange is the SQL condition for keys starting with prefix, byte for
// byte, from argument $n on (two arguments), and those arguments.
func keyRange(prefix string, n int) (string, []any) {
	if end := prefixEnd(prefix); end != nil {
		return fmt.Sprintf("key >= $%d AND key < $%d", n, n+1), []any{[]byte(prefix), end}
	}
	return fmt.Sprintf("key >= $%d AND $%d::bytea IS NULL", n, n+1), []any{[]byte(prefix), nil}
}

// CancelJobs drops every pending job whose key starts with prefix, byte
// for byte, and returns how many it dropped.
func (db *DB) CancelJobs(ctx context.Context, prefix string) (int, error) {
	cond, args := keyRange(prefix, 1)
	tag, err := db.pool.Exec(ctx, `DELETE FROM jobs WHERE result IS NULL AND `+cond, args...)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// PendingJobs returns the pending jobs whose keys start with prefix, by key.
func (db *DB) PendingJobs(ctx context.Context, prefix string) ([]bot.Job, error) {
	cond, args := keyRange(prefix, 1)
	rows, err := db.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE result IS NULL AND `+cond+` ORDER BY key`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanJob)
}

// PendingJob returns the pending job of key, or ErrNotFound.
func (db *DB) PendingJob(ctx context.Context, key string) (bot.Job, error) {
	j, err := scanJob(db.pool.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE key = $1 AND result IS NULL`, []byte(key)))
	if errors.Is(err, pgx.ErrNoRows) {
		return j, fmt.Errorf("job %s: %w", key, bot.ErrNotFound)
	}
	return j, err
}

const plannedThrough = "planned_through"

// PlannedThrough returns the time SetPlannedThrough last stored, or zero.
func (db *DB) PlannedThrough(ctx context.Context) (time.Time, error) {
	var t time.Time
	var v string
	err := db.pool.QueryRow(ctx, `SELECT value FROM meta WHERE name = $1`, plannedThrough).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	return t, t.UnmarshalText([]byte(v))
}

// SetPlannedThrough stores t, to the nanosecond, in meta.
func (db *DB) SetPlannedThrough(ctx context.Context, t time.Time) error {
	v, err := t.MarshalText()
	if err != nil {
		return err
	}
	return db.setMeta(ctx, plannedThrough, string(v))
}

func (db *DB) setMeta(ctx context.Context, name, value string) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO meta (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}

const outcomeColumns = `key, outcome`

func scanOutcome(row pgx.Row) (bot.Outcome, error) {
	var o bot.Outcome
	var key, doc []byte
	if err := row.Scan(&key, &doc); err != nil {
		return o, err
	}
	if err := decodeDoc("outcome", doc, &o); err != nil {
		return o, err
	}
	o.Key = string(key)
	return o, nil
}

// JobOutcome returns the outcome of the finished job key, or ErrNotFound.
func (db *DB) JobOutcome(ctx context.Context, key string) (bot.Outcome, error) {
	o, err := scanOutcome(db.pool.QueryRow(ctx, `SELECT `+outcomeColumns+` FROM jobs WHERE key = $1 AND result IS NOT NULL`, []byte(key)))
	if errors.Is(err, pgx.ErrNoRows) {
		return o, fmt.Errorf("outcome of job %s: %w", key, bot.ErrNotFound)
	}
	return o, err
}

// Outcomes returns the outcomes of finished jobs whose keys start with
// prefix, by key.
func (db *DB) Outcomes(ctx context.Context, prefix string) ([]bot.Outcome, error) {
	cond, args := keyRange(prefix, 1)
	rows, err := db.pool.Query(ctx, `SELECT `+outcomeColumns+` FROM jobs WHERE result IS NOT NULL AND `+cond+` ORDER BY key`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOutcome)
}

// Failures returns ws's failed outcomes recorded at or after since, oldest
// first: one scan of the failures index.
func (db *DB) Failures(ctx context.Context, ws bot.WorkspaceRef, since time.Time) ([]bot.Outcome, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+outcomeColumns+` FROM jobs
		WHERE result = 'failed' AND ws = $1 AND (at, at_ns) >= ($2, $3)
		ORDER BY at, at_ns, key`, wsKey(ws), since, nanos(since))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOutcome)
}

// PruneOutcomes forgets the outcomes recorded before before, and returns
// how many.
func (db *DB) PruneOutcomes(ctx context.Context, before time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `
		DELETE FROM jobs WHERE result IS NOT NULL AND (at, at_ns) < ($1, $2)`, before, nanos(before))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// NextSequence returns the next value of ws's counter name, starting at 1.
// The counters are never reset.
func (db *DB) NextSequence(ctx context.Context, ws bot.WorkspaceRef, name string) (int64, error) {
	if err := requireField("sequence", "name", name); err != nil {
		return 0, err
	}
	var next int64
	err := db.pool.QueryRow(ctx, `
		INSERT INTO sequences (ws, name, value) VALUES ($1, $2, 1)
		ON CONFLICT (ws, name) DO UPDATE SET value = sequences.value + 1
		RETURNING value`, wsKey(ws), []byte(name)).Scan(&next)
	return next, err
}

// Workspaces lists every workspace that has a cohort, by Key().
func (db *DB) Workspaces(ctx context.Context) ([]bot.WorkspaceRef, error) {
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT ws FROM cohorts ORDER BY ws`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.Row) (bot.WorkspaceRef, error) {
		var key []byte
		if err := row.Scan(&key); err != nil {
			return bot.WorkspaceRef{}, err
		}
		return parseWorkspace(string(key))
	})
}

// parseWorkspace reads a WorkspaceRef back from its Key(), platform:id.
func parseWorkspace(key string) (bot.WorkspaceRef, error) {
	ws, ok := bot.WorkspaceOfKey(key)
	if !ok {
		return bot.WorkspaceRef{}, fmt.Errorf("storage: workspace %q is not named platform:id", key)
	}
	return ws, nil
}
