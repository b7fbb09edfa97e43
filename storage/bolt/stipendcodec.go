package bolt

import (
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// An issued stipend report is one record of every host's row, read by
// /cohort export and /cohort report (each issued month's) — 100,000 rows
// a month at scale — so it is binary too (schema 10; binary.go): after
// issueFormat, IssuedAt, then Rows, each UserID, Name, Handle, the Tally
// (Counted, Met, Excused, Missed weeks, Spaces, Unverified, Listeners,
// Known: verified by X, logged by staff, link, one-click), DueCents,
// Status and Revised. Cohort and Month are the key's.

const issueFormat = 1

func encodeIssue(is bot.StipendIssue) []byte {
	_ = storedIssue(is) // a field added to bot.StipendIssue fails to compile here: store it below too
	b := make([]byte, 0, 16+64*len(is.Rows))
	b = append(b, issueFormat)
	b = appendTime(b, is.IssuedAt)
	b = appendLen(b, len(is.Rows), is.Rows == nil)
	for _, r := range is.Rows {
		b = appendString(b, r.UserID)
		b = appendString(b, r.Name)
		b = appendString(b, r.Handle)
		b = appendTally(b, r.Tally)
		b = appendInt(b, r.DueCents)
		b = appendString(b, string(r.Status))
		b = appendLen(b, len(r.Revised), r.Revised == nil)
		for _, s := range r.Revised {
			b = appendString(b, s)
		}
	}
	return b
}

func appendTally(b []byte, t bot.Tally) []byte {
	for _, n := range []int{t.Counted, t.Met, t.Excused} {
		b = appendInt(b, int64(n))
	}
	b = appendLen(b, len(t.Missed), t.Missed == nil)
	for _, w := range t.Missed {
		b = appendInt(b, int64(w))
	}
	k := t.Known
	for _, n := range []int{t.Spaces, t.Unverified, t.Listeners, k.VerifiedByX, k.StaffLogged, k.LinkNotVerified, k.OneClick} {
		b = appendInt(b, int64(n))
	}
	return b
}

func decodeBinaryIssue(key, data []byte) (bot.StipendIssue, error) {
	r := recordReader{data: data}
	r.format(issueFormat)
	is := bot.StipendIssue{IssuedAt: r.time()}
	if n, isNil := r.len(); !isNil {
		is.Rows = make([]bot.StipendRow, n)
		for i := range is.Rows {
			is.Rows[i] = r.stipendRow()
		}
	}
	if err := r.done(); err != nil {
		return bot.StipendIssue{}, fmt.Errorf("storage: decode stipend issue at %q: %w", key, err)
	}
	return is, nil
}

func (r *recordReader) stipendRow() bot.StipendRow {
	row := bot.StipendRow{UserID: r.string(), Name: r.string(), Handle: r.string()}
	t := &row.Tally
	t.Counted, t.Met, t.Excused = r.int(), r.int(), r.int()
	if n, isNil := r.len(); !isNil {
		t.Missed = make([]int, n)
		for i := range t.Missed {
			t.Missed[i] = r.int()
		}
	}
	t.Spaces, t.Unverified, t.Listeners = r.int(), r.int(), r.int()
	k := &t.Known
	k.VerifiedByX, k.StaffLogged, k.LinkNotVerified, k.OneClick = r.int(), r.int(), r.int(), r.int()
	row.DueCents, row.Status = r.varint(), bot.StipendStatus(r.string())
	if n, isNil := r.len(); !isNil {
		row.Revised = make([]string, n)
		for i := range row.Revised {
			row.Revised[i] = r.string()
		}
	}
	return row
}

// Schema 9 → 10: every issued stipend report becomes binary.
func binaryIssues(tx *bbolt.Tx) error {
	return eachWorkspace(tx, func(w *bbolt.Bucket) error {
		err := rewriteRecords(w.Bucket(stipendsBucket), func(key, data []byte) ([]byte, error) {
			is, err := decodeIssue(key, data)
			return encodeIssue(is), err
		})
		if err != nil {
			return fmt.Errorf("stipend issues: %w", err)
		}
		return nil
	})
}
