package postgres

import (
	"testing"

	"sparkbot/bot"
	"sparkbot/storage/postgres/pgtest"
	"sparkbot/storage/storetest"
)

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bot.Store { return openTest(t) })
}

func TestJobStoreContract(t *testing.T) {
	storetest.RunJobStore(t, func(t *testing.T) storetest.JobStore { return openTest(t) })
}

// openTest opens a store on a new schema of the test server, closed at cleanup.
func openTest(t testing.TB) *DB {
	t.Helper()
	return openURL(t, pgtest.Schema(t), Options{})
}

func openURL(t testing.TB, url string, opt Options) *DB {
	t.Helper()
	db, err := OpenWith(t.Context(), url, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestWebStoreContract(t *testing.T) {
	storetest.RunWebStore(t, func(t *testing.T) storetest.WebStore { return openTest(t) })
}

func TestStatsStoreContract(t *testing.T) {
	storetest.RunStatsStore(t, func(t *testing.T) storetest.StatsStore { return openTest(t) })
}
