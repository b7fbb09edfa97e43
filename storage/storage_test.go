package storage

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sparkbot/bot"
	"sparkbot/storage/storetest"
)

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bot.Store { return openTemp(t) })
}

// openTemp opens a new database in t's temporary directory, closed at cleanup.
func openTemp(t testing.TB) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "sparkbot.db"))
}

func openAt(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

var ws = bot.WorkspaceRef{Platform: bot.Discord, ID: "1001"}

func TestOpenCreatesMissingDirectories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "sparkbot.db")
	db := openAt(t, path)
	must(t, db.PutHost(t.Context(), ws, bot.Host{UserID: "u1"}))
}

func TestReopenKeepsDataAndScheduleSequence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	db := openAt(t, path)
	start := time.Date(2025, time.March, 3, 20, 0, 0, 0, time.UTC)
	must(t, db.PutCohort(t.Context(), ws, bot.Cohort{Name: "Spark 3", Start: bot.DateOf(start)}))
	must(t, db.PutHost(t.Context(), ws, bot.Host{UserID: "u1"}))
	must(t, db.PutApplication(t.Context(), ws, bot.Application{UserID: "u2"}))
	must(t, db.AddLog(t.Context(), ws, bot.SpaceLog{SpaceID: "s1", UserID: "u1", Start: start}))
	first, err := db.AddSchedule(t.Context(), ws, bot.Schedule{UserID: "u1"})
	must(t, err)
	must(t, db.Close())

	db = openAt(t, path)
	reads := map[string]func() error{
		"cohort":      func() error { _, err := db.Cohort(t.Context(), ws); return err },
		"host":        func() error { _, err := db.Host(t.Context(), ws, "u1"); return err },
		"application": func() error { _, err := db.Application(t.Context(), ws, "u2"); return err },
		"log":         func() error { _, err := db.Log(t.Context(), ws, "s1"); return err },
		"schedule":    func() error { _, err := db.Schedule(t.Context(), ws, first.ID); return err },
	}
	for what, read := range reads {
		if err := read(); err != nil {
			t.Errorf("%s after reopen: got error %v, want nil", what, err)
		}
	}
	second, err := db.AddSchedule(t.Context(), ws, bot.Schedule{UserID: "u1"})
	must(t, err)
	if second.ID <= first.ID {
		t.Errorf("got schedule ID %d after reopen, want more than %d", second.ID, first.ID)
	}
}

func TestScheduleIDsAreNotReusedAfterDelete(t *testing.T) {
	db := openTemp(t)
	first, err := db.AddSchedule(t.Context(), ws, bot.Schedule{UserID: "u1"})
	must(t, err)
	must(t, db.DeleteSchedule(t.Context(), ws, first.ID))
	second, err := db.AddSchedule(t.Context(), ws, bot.Schedule{UserID: "u1"})
	must(t, err)
	if second.ID == first.ID {
		t.Errorf("got ID %d again after deleting it, want a new one", second.ID)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, 3)
	_, err := Open(path)
	want := path + " was written by a newer sparkbot (schema 3); this binary understands up to schema 1: upgrade sparkbot"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got error %v, want one containing %q", err, want)
	}
	var newer *NewerSchemaError
	if !errors.As(err, &newer) || newer.Found != 3 {
		t.Errorf("got %#v, want a *NewerSchemaError with Found 3", err)
	}
}

func TestOpenAcceptsCurrentSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, SchemaVersion)
	openAt(t, path)
}

// writeSchema makes a sparkbot file at path and stamps it with version v.
func writeSchema(t *testing.T, path string, v uint64) {
	t.Helper()
	must(t, openAt(t, path).Close())
	b, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	defer b.Close()
	must(t, b.Update(func(tx *bolt.Tx) error { return putSchema(tx.Bucket(metaBucket), v) }))
}

func TestEverySchemaHasAMigration(t *testing.T) {
	if got, want := len(migrations), SchemaVersion-1; got != want {
		t.Errorf("got %d migrations, want %d (one per schema step)", got, want)
	}
}

func TestOpenRefusesForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	b, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("theirs")); return err }))
	must(t, b.Close())

	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "is not a sparkbot database") {
		t.Fatalf("got error %v, want one saying it is not a sparkbot database", err)
	}
}

// A second Open of a held file must fail fast and say what to do. bbolt's
// flock is per open file description, so a second Open in this process
// contends like another sparkbot would.
func TestOpenFileInUseFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	openAt(t, path)

	began := time.Now()
	db, err := Open(path)
	if err == nil {
		db.Close()
		t.Fatal("second Open succeeded, want an in-use error")
	}
	if waited := time.Since(began); waited > 5*lockTimeout {
		t.Errorf("second Open took %v, want about %v", waited, lockTimeout)
	}
	if !errors.Is(err, ErrInUse) {
		t.Errorf("got error %v, want one that is ErrInUse", err)
	}
	for _, want := range []string{path, "in use by another running sparkbot", "stop the other sparkbot", "--db", "SPARKBOT_DB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got error %q, want it to mention %q", err, want)
		}
	}
}
