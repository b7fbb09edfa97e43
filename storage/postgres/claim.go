package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sparkbot/bot"
)

// Claims let replicas share the due index (scheduler.Claimer): a replica
// claims the due jobs it will deliver with SELECT … FOR UPDATE SKIP
// LOCKED, so two replicas claiming at once get different jobs, and stamps
// them with its name and a lease on the database's clock. Its scheduler
// renews the leases of the jobs its workers still hold; finishing,
// updating or dropping a job ends its claim. A replica that dies stops
// renewing, and once its leases lapse its jobs are claimable again: each
// delivery goes out once, except one that was in flight when its replica
// died, which may go twice.

// ClaimLease is how long a claim lasts unrenewed.
func (db *DB) ClaimLease() time.Duration { return db.opt.ClaimLease }

// kindNames are kinds as the text[] the queries take.
func kindNames(kinds []bot.JobKind) []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return names
}

// ClaimJobs claims up to limit pending jobs due at or before now that are
// not claimed, or whose lease lapsed, by due time then key, skipping
// except's kinds and rows another replica is claiming this moment.
func (db *DB) ClaimJobs(ctx context.Context, now time.Time, limit int, except []bot.JobKind) ([]bot.Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	if due, err := db.claimableDue(ctx, now, except); err != nil || !due {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `
		WITH due AS (
			SELECT key FROM jobs
			WHERE result IS NULL AND (due, due_ns) <= ($1, $2)
				AND (lease_until IS NULL OR lease_until < clock_timestamp())
				AND kind <> ALL ($4::text[])
			ORDER BY due, due_ns, key
			LIMIT $3
			FOR UPDATE SKIP LOCKED
		)
		UPDATE jobs SET claimed_by = $5, lease_until = clock_timestamp() + $6::interval
		FROM due WHERE jobs.key = due.key
		RETURNING jobs.`+jobColumns,
		now, nanos(now), limit, kindNames(except), db.replica, db.opt.ClaimLease)
	if err != nil {
		return nil, err
	}
	jobs, err := collect(rows, scanJob)
	// RETURNING keeps no order: put them back in due order.
	slices.SortFunc(jobs, func(a, b bot.Job) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return jobs, err
}

// claimableDue reports whether the earliest job the claim could take is
// due at now. Most ticks find nothing due, and this read is all they cost:
// it has no parameters, so PostgreSQL plans it once per connection (a walk
// into jobs_due from its first entry). The claim's plan depends on now,
// and PostgreSQL plans it anew at every run (its custom plans look cheaper
// than the generic one), which cost a tick most of its time.
func (db *DB) claimableDue(ctx context.Context, now time.Time, except []bot.JobKind) (bool, error) {
	filter, ok := kindFilter(except)
	if !ok {
		return true, nil // kinds this read cannot name: the claim decides
	}
	var ts time.Time
	var ns int32
	err := db.pool.QueryRow(ctx, `
		SELECT due, due_ns FROM jobs
		WHERE result IS NULL AND (lease_until IS NULL OR lease_until < clock_timestamp())`+filter+`
		ORDER BY due, due_ns, key LIMIT 1`).Scan(&ts, &ns)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !instant(ts, ns).After(now), nil
}

// kindFilter is "AND kind <> ALL ('{…}')" leaving out kinds, written in
// the query's text (one cached statement per list, and the scheduler has
// two: the leader's and the others'); ok is false for a kind that is not
// a plain word.
func kindFilter(kinds []bot.JobKind) (filter string, ok bool) {
	if len(kinds) == 0 {
		return "", true
	}
	for _, k := range kinds {
		if k == "" || strings.Trim(string(k), "abcdefghijklmnopqrstuvwxyz_") != "" {
			return "", false
		}
	}
	return " AND kind <> ALL ('{" + strings.Join(kindNames(kinds), ",") + "}'::text[])", true
}

// ClaimableJobs returns up to limit pending jobs, earliest due first, that
// this replica holds or that nobody validly holds, skipping except's kinds.
func (db *DB) ClaimableJobs(ctx context.Context, limit int, except []bot.JobKind) ([]bot.Job, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+jobColumns+` FROM jobs
		WHERE result IS NULL
			AND (lease_until IS NULL OR lease_until < clock_timestamp() OR claimed_by = $2)
			AND kind <> ALL ($3::text[])
		ORDER BY due, due_ns, key LIMIT $1`, limit, db.replica, kindNames(except))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanJob)
}

// RenewClaims extends this replica's leases on keys, and reports whether
// any pending job's lease has lapsed: a replica stopped renewing, and its
// jobs wait to be taken over.
func (db *DB) RenewClaims(ctx context.Context, keys []string) (lapsed bool, err error) {
	if len(keys) > 0 {
		bkeys := make([][]byte, len(keys))
		for i, k := range keys {
			bkeys[i] = []byte(k)
		}
		if _, err := db.pool.Exec(ctx, `
			UPDATE jobs SET lease_until = clock_timestamp() + $3::interval
			WHERE key = ANY ($1::bytea[]) AND claimed_by = $2 AND result IS NULL`,
			bkeys, db.replica, db.opt.ClaimLease); err != nil {
			return false, err
		}
	}
	err = db.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM jobs WHERE result IS NULL AND lease_until < clock_timestamp())`).Scan(&lapsed)
	return lapsed, err
}

// ReleaseClaim gives up this replica's claim on key, and wakes the others:
// the job may be theirs now.
func (db *DB) ReleaseClaim(ctx context.Context, key string) error {
	_, err := db.pool.Exec(ctx, `
		WITH released AS (
			UPDATE jobs SET claimed_by = NULL, lease_until = NULL
			WHERE key = $1 AND claimed_by = $2 AND result IS NULL
			RETURNING 1
		)
		SELECT pg_notify($3, '') FROM released`, []byte(key), db.replica, db.channel())
	return err
}
