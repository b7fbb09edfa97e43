package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// stipendsBucket holds, per workspace, the stipend reports as issued:
// idKey(cohort) · "YYYY-MM" → storedIssue. Month keys of one cohort sort
// in month order.
var stipendsBucket = []byte("stipends")

// storedIssue is a bot.StipendIssue as the stipends bucket kept it before
// schema 10: without Cohort and Month, which are the key. Issues are binary
// now (stipendcodec.go); a JSON issue still reads.
type storedIssue struct {
	Cohort   int              `json:"-"`
	Month    bot.Month        `json:"-"`
	IssuedAt time.Time        `json:",omitzero"`
	Rows     []bot.StipendRow `json:",omitzero"`
}

func issueKey(cohort int, m bot.Month) []byte {
	return append(idKey(int64(cohort)), m.String()...)
}

// decodeIssue decodes the issue stored at key: binary (stipendcodec.go),
// or JSON from before schema 10.
func decodeIssue(key, data []byte) (bot.StipendIssue, error) {
	var s storedIssue
	if isJSON(data) {
		if err := decodeRecord("stipend issue", key, data, &s); err != nil {
			return bot.StipendIssue{}, err
		}
	} else {
		is, err := decodeBinaryIssue(key, data)
		if err != nil {
			return bot.StipendIssue{}, err
		}
		s = storedIssue(is)
	}
	var y, m int
	if len(key) != idKeyLen+7 {
		return bot.StipendIssue{}, fmt.Errorf("storage: stipend issue key %q is not cohort·YYYY-MM", key)
	}
	if _, err := fmt.Sscanf(string(key[idKeyLen:]), "%04d-%02d", &y, &m); err != nil {
		return bot.StipendIssue{}, fmt.Errorf("storage: stipend issue key %q: %w", key, err)
	}
	s.Cohort, s.Month = int(idOf(key)), bot.Month{Year: y, Month: time.Month(m)}
	return bot.StipendIssue(s), nil
}

// IssueStipend stores is unless its cohort and month have an issue already,
// and returns the one stored.
func (db *DB) IssueStipend(ctx context.Context, ws bot.WorkspaceRef, is bot.StipendIssue) (bot.StipendIssue, error) {
	data := encodeIssue(is)
	key := issueKey(is.Cohort, is.Month)
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b, err := writableBuckets(tx, ws, stipendsBucket)
		if err != nil {
			return err
		}
		if old := b[0].Get(key); old != nil {
			is, err = decodeIssue(key, old)
			return err
		}
		return b[0].Put(key, data)
	})
	return is, err
}

// IssuedStipend returns the issue of cohort's month m, or ErrNotFound.
func (db *DB) IssuedStipend(ctx context.Context, ws bot.WorkspaceRef, cohort int, m bot.Month) (bot.StipendIssue, error) {
	var is bot.StipendIssue
	err := db.view(ctx, func(tx *bbolt.Tx) (err error) {
		var found bool
		is, found, err = getRecord(bucket(tx, ws, stipendsBucket), issueKey(cohort, m), decodeIssue)
		if err == nil && !found {
			err = fmt.Errorf("stipend issue %d/%s of %s: %w", cohort, m, ws.Key(), bot.ErrNotFound)
		}
		return err
	})
	return is, err
}

// IssuedStipends returns every issue of cohort, by month.
func (db *DB) IssuedStipends(ctx context.Context, ws bot.WorkspaceRef, cohort int) ([]bot.StipendIssue, error) {
	var all []bot.StipendIssue
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, ws, stipendsBucket)
		if b == nil {
			return nil
		}
		prefix := idKey(int64(cohort))
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			is, err := decodeIssue(k, v)
			if err != nil {
				return err
			}
			all = append(all, is)
		}
		return nil
	})
	return all, err
}
