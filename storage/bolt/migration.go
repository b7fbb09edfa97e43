package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// Schema 2 → 3: a workspace keeps every cohort it ran, and a host a
// membership history.
//
//   - The workspace's one cohort (the value at "cohort") becomes cohort 1
//     in the cohorts bucket, with the default stipend.
//   - A host who was a member (Member, JoinedAt) is a member of cohort 1
//     since JoinedAt. A host who had been removed (not Member, JoinedAt
//     set) was a member from JoinedAt until a time schema 2 did not keep:
//     the migration takes it to be the end of the cohort week of their
//     last log (only members can log, so they were one then), or JoinedAt
//     itself if they logged nothing since, so that no week of theirs
//     counts that they may not have been a member for.
//   - Applications belong to cohort 1.
//   - Cohort-level job keys (<ws>/check/…, <ws>/digest/…, <ws>/stipend/…),
//     pending and finished, move under bot.CohortJobPrefix(ws, kind, 1)
//     (<ws>/digest/1/…), so that
//     planning finds the outcomes of what was sent already under the keys
//     it now plans, and never sends a digest or report twice.
func migrateToCohorts(tx *bbolt.Tx) error {
	if err := eachWorkspace(tx, migrateWorkspace); err != nil {
		return err
	}
	return migrateCohortJobKeys(tx)
}

// legacyCohortKey held a workspace's one cohort in schema 2.
var legacyCohortKey = []byte("cohort")

func migrateWorkspace(w *bbolt.Bucket) error {
	data := w.Get(legacyCohortKey)
	if data == nil {
		return nil // no cohort: no members, no cohort jobs
	}
	co, err := decodeCohort(legacyCohortKey, data)
	if err != nil {
		return err
	}
	co.ID = 1
	if co.Stipend == 0 {
		co.Stipend = bot.DefaultStipend
	}
	b, err := w.CreateBucketIfNotExists(cohortsBucket)
	if err != nil {
		return err
	}
	if data, err = encodeCohort(co); err != nil {
		return err
	}
	if err := b.Put(idKey(1), data); err != nil {
		return err
	}
	if err := w.Delete(legacyCohortKey); err != nil {
		return err
	}
	if err := migrateHosts(w, co); err != nil {
		return err
	}
	return migrateApplications(w)
}

// legacyHost is a schema-2 host: membership was one flag and one time.
type legacyHost struct {
	storedHost
	Member   bool
	JoinedAt time.Time
}

func migrateHosts(w *bbolt.Bucket, co bot.Cohort) error {
	hosts := w.Bucket(hostsBucket)
	if hosts == nil {
		return nil
	}
	updates := map[string][]byte{}
	err := hosts.ForEach(func(k, data []byte) error {
		var old legacyHost
		if err := json.Unmarshal(data, &old); err != nil {
			return fmt.Errorf("decode host %q: %w", k, err)
		}
		h := old.storedHost
		switch {
		case old.Member:
			h.Memberships = []bot.Membership{{Cohort: co.ID, Joined: old.JoinedAt}}
		case !old.JoinedAt.IsZero():
			left := estimatedLeave(w, co, string(k), old.JoinedAt)
			h.Memberships = []bot.Membership{{Cohort: co.ID, Joined: old.JoinedAt, Left: left}}
		default:
			return nil // never a member: nothing changes
		}
		enc, err := encodeRecord("host", h)
		updates[string(k)] = enc
		return err
	})
	if err != nil {
		return err
	}
	for k, data := range updates {
		if err := hosts.Put([]byte(k), data); err != nil {
			return err
		}
	}
	return nil
}

// estimatedLeave is when a host removed under schema 2 left: the end of
// the week of their last log since joined, or joined if there is none.
func estimatedLeave(w *bbolt.Bucket, co bot.Cohort, userID string, joined time.Time) time.Time {
	byUser := w.Bucket(logsByUserBucket)
	if byUser == nil {
		return joined
	}
	prefix := userPrefix(userID)
	var last time.Time
	c := byUser.Cursor()
	for k, _ := c.Seek(prefix); hasPrefix(k, prefix); k, _ = c.Next() {
		if rest := k[len(prefix):]; len(rest) >= timeKeyLen {
			last = timeOf(rest)
		}
	}
	if last.Before(joined) {
		return joined
	}
	return co.WeekOf(last).End.UTC()
}

func migrateApplications(w *bbolt.Bucket) error {
	apps := w.Bucket(applicationsBucket)
	if apps == nil {
		return nil
	}
	updates := map[string][]byte{}
	err := apps.ForEach(func(k, data []byte) error {
		a, err := decodeApplication(k, data)
		if err != nil {
			return err
		}
		a.Cohort = 1
		updates[string(k)], err = encodeApplication(a)
		return err
	})
	if err != nil {
		return err
	}
	for k, data := range updates {
		if err := apps.Put([]byte(k), data); err != nil {
			return err
		}
	}
	return nil
}

// legacyCohortKinds are the job kinds whose schema-2 keys were
// <ws>/<kind>/…, naming no cohort.
var legacyCohortKinds = []bot.JobKind{bot.JobCheck, bot.JobDigest, bot.JobStipend}

// jobRename returns the new key of a job of kind in ws under key, and the
// cohort the job is about if it is to be set (0: keep the job's); ok false
// leaves the key as it is.
type jobRename func(key string, kind bot.JobKind, ws bot.WorkspaceRef) (newKey string, cohort int, ok bool)

// cohortJobKey returns the schema-3 key of a schema-2 cohort-level job
// key, or ok false if key is not one.
func cohortJobKey(key string, kind bot.JobKind, ws bot.WorkspaceRef) (string, int, bool) {
	for _, k := range legacyCohortKinds {
		old := ws.Key() + "/" + string(k) + "/"
		if k == kind && strings.HasPrefix(key, old) {
			return bot.CohortJobPrefix(ws, string(k), 1) + key[len(old):], 1, true
		}
	}
	return "", 0, false
}

func migrateCohortJobKeys(tx *bbolt.Tx) error { return renameJobKeys(tx, cohortJobKey) }

// renameJobKeys moves the jobs rename renames, pending and finished, to
// their new keys.
func renameJobKeys(tx *bbolt.Tx, rename jobRename) error {
	b := openJobBuckets(tx)
	if b.jobs == nil || b.outcomes == nil {
		return nil // a file from before the job buckets: it has no jobs
	}
	if err := migratePendingKeys(b, rename); err != nil {
		return err
	}
	return migrateOutcomeKeys(b, rename)
}

func migratePendingKeys(b jobBuckets, rename jobRename) error {
	type move struct {
		old, new string
		job      storedJob
	}
	var moves []move
	err := b.jobs.ForEach(func(k, data []byte) error {
		var j storedJob
		if err := json.Unmarshal(data, &j); err != nil {
			return fmt.Errorf("decode job %q: %w", k, err)
		}
		if key, cohort, ok := rename(string(k), j.Kind, j.Workspace); ok {
			if cohort != 0 {
				j.Cohort = cohort
			}
			moves = append(moves, move{string(k), key, j})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		data, err := json.Marshal(m.job)
		if err != nil {
			return err
		}
		if err := b.removePending([]byte(m.old)); err != nil {
			return err
		}
		if err := b.jobs.Put([]byte(m.new), data); err != nil {
			return err
		}
		if err := b.due.Put(dueKey([]byte(m.new), m.job.Due), []byte{}); err != nil {
			return err
		}
	}
	return nil
}

func migrateOutcomeKeys(b jobBuckets, rename jobRename) error {
	type move struct {
		old, new string
		o        bot.Outcome
		data     []byte
	}
	var moves []move
	err := b.outcomes.ForEach(func(k, data []byte) error {
		var s storedOutcome
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("decode outcome %q: %w", k, err)
		}
		if key, _, ok := rename(string(k), s.Kind, s.Workspace); ok {
			s.Key = string(k)
			moves = append(moves, move{string(k), key, bot.Outcome(s), bytes.Clone(data)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := b.removeOutcome([]byte(m.old)); err != nil {
			return err
		}
		m.o.Key = m.new
		if err := b.putOutcome(m.o, m.data); err != nil {
			return err
		}
	}
	return nil
}

// Schema 7 → 8: host-level job keys name their cohort, as cohort-level
// ones do since schema 3: reminders, nudges, quota warnings and staff
// alerts move, pending and finished, from <ws>/<kind>/<user>/… to
// <ws>/<kind>/<cohort>/<user>/… (scheduler/plan.go), so that planning finds
// the outcomes of what was sent under the keys it now plans and sends
// nothing twice. The cohort is the workspace's latest: the one schema 7
// planned host jobs for, and the one this binary plans them for. X
// reminders (<ws>/xreminder/…) keep their keys.
func migrateHostJobKeys(tx *bbolt.Tx) error {
	latest, err := latestCohortIDs(tx)
	if err != nil {
		return err
	}
	return renameJobKeys(tx, func(key string, kind bot.JobKind, ws bot.WorkspaceRef) (string, int, bool) {
		old := ws.Key() + "/" + string(kind) + "/"
		id, ok := latest[ws.Key()]
		if !ok || !slices.Contains(legacyHostKinds, kind) || !strings.HasPrefix(key, old) {
			return "", 0, false
		}
		return bot.CohortJobPrefix(ws, string(kind), id) + key[len(old):], 0, true
	})
}

// legacyHostKinds are the job kinds whose schema-7 keys were
// <ws>/<kind>/<user>/…, naming no cohort.
var legacyHostKinds = []bot.JobKind{bot.JobReminder, bot.JobNudge, bot.JobWarning, bot.JobAlert}

// latestCohortIDs returns each workspace's latest cohort ID, by workspace
// key; a workspace with no cohort is not there.
func latestCohortIDs(tx *bbolt.Tx) (map[string]int, error) {
	ids := map[string]int{}
	all := tx.Bucket(workspacesBucket)
	if all == nil {
		return ids, nil
	}
	err := all.ForEachBucket(func(k []byte) error {
		co, found, err := latestCohort(all.Bucket(k).Bucket(cohortsBucket))
		if err != nil {
			return fmt.Errorf("workspace %s: %w", k, err)
		}
		if found {
			ids[string(k)] = co.ID
		}
		return nil
	})
	return ids, err
}
