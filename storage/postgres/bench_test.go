package postgres

import (
	"testing"

	"sparkbot/storage/postgres/pgtest"
)

// BenchmarkRoundTrip is the floor under every query: SELECT 1 through the
// pool, a cached statement, on the test server. A tick with nothing due
// (scheduler's BenchmarkTickNothingDuePostgres) is one such trip.
func BenchmarkRoundTrip(b *testing.B) {
	db, err := OpenWith(b.Context(), pgtest.Schema(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var one int
	for b.Loop() {
		if err := db.pool.QueryRow(b.Context(), `SELECT 1`).Scan(&one); err != nil {
			b.Fatal(err)
		}
	}
}
