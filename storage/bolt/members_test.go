package bolt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// TestIndexWalkIsSeek: ranges asked of a walk, in order, out of order,
// overlapping and far ahead, hold exactly the keys a fresh seek finds.
func TestIndexWalkIsSeek(t *testing.T) {
	db := openTemp(t)
	name := []byte("walk")
	var keys [][]byte
	for i := range 300 {
		keys = append(keys, fmt.Appendf(nil, "%05d", i*3))
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket(name)
		for _, k := range keys {
			if err == nil {
				err = b.Put(k, k)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(name)
		w := newIndexWalk(b)
		from := 0
		for range 3000 {
			switch r := rng.IntN(10); { // mostly onward, as a scan asks
			case r < 6:
				from += rng.IntN(20)
			case r < 8:
				from += rng.IntN(400)
			default:
				from = rng.IntN(950)
			}
			start, end := fmt.Appendf(nil, "%05d", from), fmt.Appendf(nil, "%05d", from+rng.IntN(30))
			in := func(k []byte) bool { return bytes.Compare(k, end) < 0 }
			var got, want [][]byte
			if err := w.each(start, in, func(k, v []byte) error { got = append(got, k); return nil }); err != nil {
				return err
			}
			c := b.Cursor()
			for k, _ := c.Seek(start); k != nil && in(k); k, _ = c.Next() {
				want = append(want, k)
			}
			if !slices.EqualFunc(got, want, bytes.Equal) {
				t.Fatalf("walk of [%s, %s) = %q, want %q", start, end, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCohortCacheDecodesAsJSON: a cohort read again (from the cache) is
// the one decoding gives, and a caller changing its Countries changes
// no later read.
func TestCohortCacheDecodesAsJSON(t *testing.T) {
	c := bot.NewCohort("Spark", bot.Date{Year: 2026, Month: time.March, Day: 2})
	c.ID, c.Countries = 7, []string{"US", "CA"}
	data, err := encodeCohort(c)
	if err != nil {
		t.Fatal(err)
	}
	key := idKey(7)
	var want storedCohort
	if err := decodeRecord("cohort", key, data, &want); err != nil {
		t.Fatal(err)
	}
	want.ID = 7
	for i := range 3 {
		got, err := decodeCohort(key, data)
		if err != nil || !reflect.DeepEqual(got, bot.Cohort(want)) {
			t.Fatalf("read %d: %+v, %v; want %+v", i, got, err, want)
		}
		got.Countries[0] = "XX"
	}
}
