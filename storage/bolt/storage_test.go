package bolt

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

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
	writeSchema(t, path, SchemaVersion+1)
	_, err := Open(path)
	want := fmt.Sprintf("%s was written by a newer sparkbot (schema %d); this binary understands up to schema %d: upgrade sparkbot",
		path, SchemaVersion+1, SchemaVersion)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got error %v, want one containing %q", err, want)
	}
	var newer *NewerSchemaError
	if !errors.As(err, &newer) || newer.Found != SchemaVersion+1 {
		t.Errorf("got %#v, want a *NewerSchemaError with Found %d", err, SchemaVersion+1)
	}
}

// A schema-1 file holds full JSON values, which this binary reads as they
// are (TestFullJSONValuesStillDecode): opening it only raises the version.
func TestOpenUpgradesSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, 1)
	db := openAt(t, path)
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		v, err := schemaOf(tx.Bucket(metaBucket))
		if v != SchemaVersion {
			t.Errorf("got schema %d, want %d", v, SchemaVersion)
		}
		return err
	}))
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
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	defer b.Close()
	must(t, b.Update(func(tx *bbolt.Tx) error { return putSchema(tx.Bucket(metaBucket), v) }))
}

func TestEverySchemaHasAMigration(t *testing.T) {
	if got, want := len(migrations), SchemaVersion-1; got != want {
		t.Errorf("got %d migrations, want %d (one per schema step)", got, want)
	}
}

func TestOpenRefusesForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("theirs")); return err }))
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

// Values written before the mirror structs are the full JSON of the bot
// type, key field and zero fields included: they read back the same.
func TestFullJSONValuesStillDecode(t *testing.T) {
	at := time.Date(2025, time.March, 3, 20, 0, 0, 0, time.UTC)
	host := bot.Host{UserID: "u1", Name: "Ada", Handle: "ada", Memberships: []bot.Membership{{Cohort: 1, Joined: at}},
		Leads: []time.Duration{time.Hour}, Excused: map[string]string{"2025-03-03": "ill"}}
	sched := bot.Schedule{ID: 7, UserID: "u1", Title: "Mic", Days: bot.Weekdays(0).With(time.Monday),
		At: bot.TimeOfDay{Hour: 20, Minute: 30}, Duration: time.Hour, Zone: "America/New_York",
		Paused: true, PausedUntil: bot.DateOf(at), Skips: []bot.Date{bot.DateOf(at)}, CreatedAt: at}
	log := bot.SpaceLog{SpaceID: "s1", UserID: "u1", Title: "Mic", Start: at, Listeners: 12,
		Minutes: 60, LoggedAt: at, ScheduleID: 7, Provenance: bot.LinkNotVerified}
	app := bot.Application{UserID: "u2", Name: "Grace", Followers: 4200, Country: "CA",
		Failed: []string{"too few followers"}, State: bot.Rejected, At: at, DecidedBy: "staff", DecidedAt: at}
	cohort := bot.Cohort{ID: 1, Name: "Spark 3", Start: bot.DateOf(at), Weeks: 12, Zone: "America/New_York",
		Countries: []string{"US"}, CreatedAt: at, CreatedBy: "staff"}
	tests := []struct {
		name   string
		bucket []byte // in the workspace's bucket; nil for that bucket itself
		key    []byte
		old    any
		read   func(db *DB) (any, error)
	}{
		{"host", hostsBucket, []byte("u1"), host,
			func(db *DB) (any, error) { return db.Host(t.Context(), ws, "u1") }},
		{"host without optional fields", hostsBucket, []byte("u3"), bot.Host{UserID: "u3"},
			func(db *DB) (any, error) { return db.Host(t.Context(), ws, "u3") }},
		{"schedule", schedulesBucket, idKey(7), sched,
			func(db *DB) (any, error) { return db.Schedule(t.Context(), ws, 7) }},
		{"log", logsBucket, []byte("s1"), log,
			func(db *DB) (any, error) { return db.Log(t.Context(), ws, "s1") }},
		{"application", applicationsBucket, []byte("u2"), app,
			func(db *DB) (any, error) { return db.Application(t.Context(), ws, "u2") }},
		{"cohort", cohortsBucket, idKey(1), cohort,
			func(db *DB) (any, error) { return db.Cohort(t.Context(), ws) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t)
			data, err := json.Marshal(tt.old)
			must(t, err)
			must(t, db.bolt.Update(func(tx *bbolt.Tx) error {
				b, err := writableWorkspace(tx, ws)
				if err == nil && tt.bucket != nil {
					b, err = b.CreateBucketIfNotExists(tt.bucket)
				}
				if err != nil {
					return err
				}
				return b.Put(tt.key, data)
			}))
			got, err := tt.read(db)
			must(t, err)
			if !reflect.DeepEqual(got, tt.old) {
				t.Errorf("got  %+v\nwant %+v", got, tt.old)
			}
		})
	}
}

// Stored values leave out zero fields and the field the key holds.
func TestStoredValuesAreCompact(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	must(t, db.PutCohort(ctx, ws, bot.Cohort{Name: "Spark 3"}))
	must(t, db.PutHost(ctx, ws, bot.Host{UserID: "u1", Memberships: []bot.Membership{{Cohort: 1}}}))
	sched, err := db.AddSchedule(ctx, ws, bot.Schedule{UserID: "u1", Title: "Mic"})
	must(t, err)
	must(t, db.AddLog(ctx, ws, bot.SpaceLog{SpaceID: "s1", UserID: "u1", Minutes: 60}))
	must(t, db.PutApplication(ctx, ws, bot.Application{UserID: "u2", State: bot.Pending}))
	tests := []struct {
		bucket []byte // nil for the workspace's bucket itself
		key    []byte
		want   string
	}{
		{cohortsBucket, idKey(1), `{"Name":"Spark 3"}`},
		{hostsBucket, []byte("u1"), "\x01\x00\x00\x00\x00\x02\x02" + strings.Repeat("\x00", 11)},     // binary (hostcodec.go)
		{schedulesBucket, idKey(sched.ID), "\x01\x02\x02u1\x03Mic" + strings.Repeat("\x00", 12)},     // binary (hostcodec.go)
		{logsBucket, []byte("s1"), "\x01\x02u1\x00\x00\x00\x00\x78\x00\x00\x00\x00\x00\x00\x00\x00"}, // binary (logcodec.go)
		{applicationsBucket, []byte("u2"), `{"State":"pending"}`},
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		for _, tt := range tests {
			b := workspace(tx, ws)
			if tt.bucket != nil {
				b = b.Bucket(tt.bucket)
			}
			if got := string(b.Get(tt.key)); got != tt.want {
				t.Errorf("%s %q: got %s, want %s", tt.bucket, tt.key, got, tt.want)
			}
		}
		return nil
	}))
}

// Hosts added in id order fill the pages they split; added in any other
// order, they split pages in half as usual instead of leaving a full page
// and a near-empty one at every split.
func TestHostPagesFillOnlyWhenAppending(t *testing.T) {
	const n = 2000
	tests := []struct {
		name    string
		id      func(i int) string
		minFill float64
	}{
		{"in id order", func(i int) string { return fmt.Sprintf("u%05d", i) }, 0.85},
		{"in reverse id order", func(i int) string { return fmt.Sprintf("u%05d", n-i) }, 0.45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := OpenWith(filepath.Join(t.TempDir(), "sparkbot.db"), Options{NoSync: true})
			must(t, err)
			defer db.Close()
			for i := range n {
				must(t, db.PutHost(t.Context(), ws, bot.Host{UserID: tt.id(i), Name: "Ada Lovelace", Memberships: []bot.Membership{{Cohort: 1}}}))
			}
			must(t, db.bolt.View(func(tx *bbolt.Tx) error {
				s := bucket(tx, ws, hostsBucket).Stats()
				if fill := float64(s.LeafInuse) / float64(s.LeafAlloc); fill < tt.minFill {
					t.Errorf("got leaf pages %.0f%% full, want at least %.0f%%", 100*fill, 100*tt.minFill)
				}
				return nil
			}))
		})
	}
}

// BenchmarkWorkspaceFileSize builds the scheduler benchmarks' workspace,
// 100,000 hosts with two schedules each, one transaction per put as the
// bot writes them, and reports the file's size and how full the pages of
// its big buckets are: what a full read of hosts and schedules maps in.
func BenchmarkWorkspaceFileSize(b *testing.B) {
	for range b.N {
		path := filepath.Join(b.TempDir(), "sparkbot.db")
		db, err := OpenWith(path, Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		writeWorkspace(b, db, 100_000)
		reportBucketFill(b, db, hostsBucket, schedulesBucket, schedulesByUserBucket)
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
	}
}

func writeWorkspace(b *testing.B, db *DB, hosts int) {
	ctx := b.Context()
	if err := db.PutCohort(ctx, ws, bot.NewCohort("Bench", bot.Date{Year: 2026, Month: 11, Day: 30})); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	joined := time.Date(2026, 11, 30, 0, 0, 29, 0, time.FixedZone("EST", -5*60*60))
	for i := range hosts {
		user := fmt.Sprintf("U%06d", i)
		if err := db.PutHost(ctx, ws, bot.Host{UserID: user, Memberships: []bot.Membership{{Cohort: 1, Joined: joined}}}); err != nil {
			b.Fatal(err)
		}
		for k := range 2 {
			days := bot.Weekdays(0).With(time.Weekday(rng.IntN(7))).With(time.Weekday(rng.IntN(7)))
			at := bot.TimeOfDay{Hour: 2 + rng.IntN(22), Minute: rng.IntN(60)}
			sc := bot.Schedule{UserID: user, Title: "Bench " + strconv.Itoa(k), Days: days, At: at,
				Duration: time.Hour, Zone: "America/New_York", CreatedAt: joined}
			if _, err := db.AddSchedule(ctx, ws, sc); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func reportBucketFill(b *testing.B, db *DB, names ...[]byte) {
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		for _, name := range names {
			s := bucket(tx, ws, name).Stats()
			b.ReportMetric(100*float64(s.LeafInuse)/float64(s.LeafAlloc), string(name)+"-fill-%")
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
