package postgres

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/postgres/pgtest"
)

// TestMigrationNamesTheCohortInHostJobKeys: a database whose reminder,
// nudge, warning and alert keys named no cohort (schema 2) has them, pending
// and finished, under the workspace's latest cohort after migrating, as the
// scheduler plans them now, so nothing is sent twice; X reminders and
// cohort-level keys keep theirs.
func TestMigrationNamesTheCohortInHostJobKeys(t *testing.T) {
	url := pgtest.Schema(t)
	db := openURL(t, url, Options{})
	ctx := t.Context()
	ws := bot.WorkspaceRef{Platform: bot.Console, ID: "m"}
	one, err := db.AddCohort(ctx, ws, bot.NewCohort("One", bot.Date{Year: 2026, Month: 11, Day: 30}), 0)
	must(t, err)
	_, err = db.AddCohort(ctx, ws, bot.NewCohort("Two", bot.Date{Year: 2027, Month: 3, Day: 1}), one.ID)
	must(t, err)
	due := time.Date(2027, 3, 2, 14, 0, 0, 0, time.UTC)
	pending := map[string]string{ // old key → key after migrating
		"console:m/reminder/alice/1/1772546400/600":       "console:m/reminder/2/alice/1/1772546400/600",
		"console:m/xreminder/alice/1X/1772546400/600":     "console:m/xreminder/alice/1X/1772546400/600",
		"console:m/warning/1234567890/2027-03-01/at risk": "console:m/warning/2/1234567890/2027-03-01/at risk",
		"console:m/digest/1/2027-02-15":                   "console:m/digest/1/2027-02-15",
	}
	finished := map[string]string{
		"console:m/nudge/bob/2/1772460000":          "console:m/nudge/2/bob/2/1772460000",
		"console:m/alert/carol/2026-12-07":          "console:m/alert/2/carol/2026-12-07",
		"console:m/warning/carol/2027-02-22/missed": "console:m/warning/2/carol/2027-02-22/missed",
	}
	kindOf := func(key string) bot.JobKind {
		for _, k := range []bot.JobKind{bot.JobNudge, bot.JobAlert, bot.JobWarning, bot.JobDigest} {
			if strings.Contains(key, "/"+string(k)+"/") {
				return k
			}
		}
		return bot.JobReminder
	}
	for key := range pending {
		must(t, db.AddJobs(ctx, []bot.Job{{Key: key, Kind: kindOf(key), Workspace: ws, Due: due, UserID: "alice"}}))
	}
	for key := range finished {
		must(t, db.FinishJob(ctx, bot.Outcome{Key: key, Kind: kindOf(key), Workspace: ws, Result: bot.Sent, At: due.Add(-time.Hour)}))
	}
	// Back to schema 2, as an older sparkbot left it.
	_, err = db.pool.Exec(ctx, `DELETE FROM goose_db_version WHERE version_id > 2`)
	must(t, err)
	db.Close()

	db = openURL(t, url, Options{})
	for old, key := range pending {
		j, err := db.PendingJob(ctx, key)
		if err != nil || j.Key != key {
			t.Errorf("pending %s: got %+v, %v under %s", old, j, err, key)
		}
		if old != key {
			if _, err := db.PendingJob(ctx, old); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("the old key %s is still pending: %v", old, err)
			}
		}
	}
	for old, key := range finished {
		if o, err := db.JobOutcome(ctx, key); err != nil || o.Key != key || o.Result != bot.Sent {
			t.Errorf("outcome of %s: got %+v, %v under %s; want it sent", old, o, err, key)
		}
		if _, err := db.JobOutcome(ctx, old); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("the old outcome key %s is still there: %v", old, err)
		}
	}
	// Planning a sent warning again under its new key adds nothing.
	key := finished["console:m/warning/carol/2027-02-22/missed"]
	must(t, db.AddJobs(ctx, []bot.Job{{Key: key, Kind: bot.JobWarning, Workspace: ws, Due: due}}))
	if _, err := db.PendingJob(ctx, key); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the warning already sent was planned again: %v", err)
	}
}
