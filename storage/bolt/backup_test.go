package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// TestBackupWhileWritersLog: 64 hosts log while a backup is taken; the
// backup passes bbolt's check, restores, and holds every log that was
// acknowledged before the backup started.
func TestBackupWhileWritersLog(t *testing.T) {
	dir := t.TempDir()
	db := openAt(t, filepath.Join(dir, "sparkbot.db"))
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)

	var mu sync.Mutex
	var acked []string // space ids whose AddLog returned nil
	stop := make(chan struct{})
	var writers sync.WaitGroup
	const n = 64
	for w := range n {
		writers.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%02di%05d", w, i)
				l := bot.SpaceLog{SpaceID: id, UserID: fmt.Sprintf("U%02d", w), Start: start.Add(time.Duration(i) * time.Minute),
					LoggedAt: start, Provenance: bot.LinkNotVerified}
				if err := db.AddLog(ctx, ws, l); err != nil {
					t.Errorf("AddLog %s: %v", id, err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 4*n })
	mu.Lock()
	before := append([]string(nil), acked...) // acknowledged before the backup started
	mu.Unlock()

	backup := filepath.Join(dir, "backup.db")
	f, err := os.Create(backup)
	must(t, err)
	// The copy's first write waits until the writers have committed more,
	// so the snapshot is taken while they log.
	slow := &gatedWriter{w: f, gate: func() {
		waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= len(before)+2*n })
	}}
	size, err := db.Backup(ctx, slow)
	must(t, err)
	must(t, f.Close())
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	close(stop)
	writers.Wait()
	t.Logf("backup of %d bytes; %d logs before it started, %d more while it ran", size, len(before), during)
	if during < 2*n {
		t.Fatalf("only %d logs committed while the backup ran; the test did not overlap them", during)
	}

	if schema, err := CheckFile(backup); err != nil || schema != SchemaVersion {
		t.Fatalf("CheckFile(backup) = %d, %v; want schema %d, no error", schema, err, SchemaVersion)
	}
	restored := filepath.Join(dir, "restored", "sparkbot.db")
	kept, err := Restore(backup, restored, start)
	if err != nil || kept != "" {
		t.Fatalf("Restore into a new path: kept %q, %v", kept, err)
	}
	copyDB := openAt(t, restored)
	for _, id := range before {
		if _, err := copyDB.Log(ctx, ws, id); err != nil {
			t.Fatalf("log %s, acknowledged before the backup, is not in it: %v", id, err)
		}
	}
}

// gatedWriter runs gate before its first write.
type gatedWriter struct {
	w    *os.File
	gate func()
	once sync.Once
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.once.Do(g.gate)
	return g.w.Write(p)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30s")
		}
		time.Sleep(time.Millisecond) // polling the writers' progress, not waiting out a clock
	}
}

// TestCheckFileRefuses: what is not a readable sparkbot database of a
// schema this binary knows is refused, saying why.
func TestCheckFileRefuses(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	must(t, os.WriteFile(garbage, bytes.Repeat([]byte("not bbolt "), 2000), 0o600))
	foreign := filepath.Join(dir, "foreign.db")
	b, err := bbolt.Open(foreign, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err }))
	must(t, b.Close())
	newer := filepath.Join(dir, "newer.db")
	writeSchema(t, newer, SchemaVersion+1)
	corrupt := corruptCopy(t, dir)

	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.db"), "there is no file at"},
		{garbage, "is not a bbolt database file"},
		{foreign, "not a sparkbot database"},
		{newer, "was written by a newer sparkbot"},
		{corrupt, "fails bbolt's consistency check"},
	} {
		_, err := CheckFile(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckFile(%s): %v, want an error containing %q", filepath.Base(tc.path), err, tc.want)
		}
		if _, err := Restore(tc.path, filepath.Join(dir, "target.db"), time.Now()); err == nil {
			t.Errorf("Restore(%s) succeeded", filepath.Base(tc.path))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "target.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused restore left a target file behind: %v", err)
	}
}

// corruptCopy writes a database whose pages bbolt's check finds wrong: the
// logs bucket's root, a branch page, points its first child at a page id
// beyond the file.
func corruptCopy(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "corrupt.db")
	db, err := OpenWith(path, Options{NoSync: true})
	must(t, err)
	var wg sync.WaitGroup
	for i := range 300 { // concurrent, so they share commits
		wg.Go(func() {
			must(t, db.AddLog(context.Background(), ws, bot.SpaceLog{SpaceID: fmt.Sprintf("s%05d", i), UserID: "U1",
				Start: time.Unix(int64(i)*60, 0), Provenance: bot.LinkNotVerified, Title: strings.Repeat("t", 100)}))
		})
	}
	wg.Wait()
	var root uint64
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		root = uint64(bucket(tx, ws, logsBucket).Root())
		return nil
	}))
	pageSize := db.bolt.Info().PageSize
	must(t, db.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	page := data[int(root)*pageSize:]
	const branchPageFlag = 0x01
	if flags := binary.LittleEndian.Uint16(page[8:10]); flags != branchPageFlag { // after the 8-byte id
		t.Fatalf("the logs bucket's root page has flags %#x, not a branch page's", flags)
	}
	// The first element follows the 16-byte header: pos, ksize (4 bytes
	// each), then its child's pgid.
	binary.LittleEndian.PutUint64(page[16+8:], 1<<40)
	must(t, os.WriteFile(path, data, 0o600))
	return path
}

// TestRestoreRefusesWhileABotHoldsTheFile, and keeps the old file beside
// the new one when it may go ahead.
func TestRestoreKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	target := filepath.Join(dir, "sparkbot.db")
	live, err := Open(target)
	must(t, err)
	must(t, live.AddLog(ctx, ws, bot.SpaceLog{SpaceID: "old", UserID: "U1", Start: time.Unix(0, 0)}))

	backup := filepath.Join(dir, "backup.db")
	other := openAt(t, filepath.Join(dir, "other.db"))
	must(t, other.AddLog(ctx, ws, bot.SpaceLog{SpaceID: "new", UserID: "U1", Start: time.Unix(0, 0)}))
	f, _ := os.Create(backup)
	_, err = other.Backup(ctx, f)
	must(t, err)
	f.Close()

	if _, err := Restore(backup, target, time.Now()); !errors.Is(err, ErrInUse) {
		t.Fatalf("Restore while a bot holds the file: %v, want ErrInUse", err)
	}
	must(t, live.Close())
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	kept, err := Restore(backup, target, at)
	must(t, err)
	if want := target + ".before-restore-20261201T030000Z"; kept != want {
		t.Errorf("kept the old file at %q, want %q", kept, want)
	}
	for _, c := range []struct{ path, has, lacks string }{{target, "new", "old"}, {kept, "old", "new"}} {
		db := openAt(t, c.path)
		if _, err := db.Log(ctx, ws, c.has); err != nil {
			t.Errorf("%s lacks log %q: %v", filepath.Base(c.path), c.has, err)
		}
		if _, err := db.Log(ctx, ws, c.lacks); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s has log %q", filepath.Base(c.path), c.lacks)
		}
		db.Close()
	}
	if _, err := Restore(target, target, at); err == nil {
		t.Error("restoring the database onto itself succeeded")
	}
}

// TestBackupFileWithoutABot copies a file no bot holds, and refuses one a
// bot holds.
func TestBackupFileWithoutABot(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sparkbot.db")
	db, err := Open(path)
	must(t, err)
	var buf bytes.Buffer
	if _, err := BackupFile(path, &buf); !errors.Is(err, ErrInUse) {
		t.Errorf("BackupFile of a held file: %v, want ErrInUse", err)
	}
	must(t, db.Close())
	if n, err := BackupFile(path, &buf); err != nil || n == 0 || int64(buf.Len()) != n {
		t.Errorf("BackupFile: %d bytes, %v", n, err)
	}
}

func TestJobCountsAndProbe(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	var jobs []bot.Job
	for i, due := range []time.Duration{-time.Hour, 0, time.Nanosecond, time.Hour} {
		jobs = append(jobs, bot.Job{Key: fmt.Sprintf("%s/x/%d", ws.Key(), i), Kind: bot.JobDM, Workspace: ws, Due: now.Add(due)})
	}
	must(t, db.AddJobs(ctx, jobs))
	pending, due, err := db.JobCounts(ctx, now)
	if err != nil || pending != 4 || due != 2 {
		t.Errorf("JobCounts = %d pending, %d due, %v; want 4 and 2", pending, due, err)
	}
	must(t, db.Probe(ctx, now))
}
