package bolt

import (
	"bytes"
	"testing"
	"time"
)

func TestTimeKeySortsAsInstants(t *testing.T) {
	// In increasing order, across 1970, UnixNano's range and zones.
	times := []time.Time{
		{},
		time.Date(1600, time.January, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, time.December, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Date(2025, time.March, 3, 4, 0, 0, 0, time.FixedZone("EST", -5*3600)),
		time.Date(2025, time.March, 3, 9, 0, 0, 1, time.UTC),
		time.Date(2300, time.January, 1, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(times); i++ {
		a, b := timeKey(times[i-1]), timeKey(times[i])
		if len(a) != timeKeyLen {
			t.Fatalf("got key length %d, want %d", len(a), timeKeyLen)
		}
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("timeKey(%v) = %x, not below timeKey(%v) = %x", times[i-1], a, times[i], b)
		}
	}
	for _, tm := range times {
		if got := timeOf(timeKey(tm)); !got.Equal(tm) {
			t.Errorf("timeOf(timeKey(%v)) = %v, want the same instant", tm, got)
		}
	}
}

func TestUserPrefixesNeverOverlap(t *testing.T) {
	users := []string{"", "a", "ab", "a\x00", "a\x00b", "b", string(make([]byte, 200))}
	for _, u := range users {
		for _, v := range users {
			if u != v && bytes.HasPrefix(userPrefix(v), userPrefix(u)) {
				t.Errorf("userPrefix(%q) is a prefix of userPrefix(%q)", u, v)
			}
		}
	}
}
