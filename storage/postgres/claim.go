package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

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
