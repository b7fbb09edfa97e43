package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Times a query orders or bounds by are kept as a timestamptz, which holds
// microseconds, and the nanoseconds below them, so that (t, t_ns) orders
// as instants do, to the nanosecond, before 1970 and at the zero time too.
// pgx truncates a time to its microsecond, so the timestamptz is floor(t).

// nanos is the part of t below its microsecond.
func nanos(t time.Time) int32 { return int32(t.Nanosecond() % 1000) }

// instant rebuilds the time stored as ts and ns, in UTC.
func instant(ts time.Time, ns int32) time.Time {
	return ts.Add(time.Duration(ns)).UTC()
}

// prefixEnd is the least key after every key that starts with prefix, for
// `key >= prefix AND key < end`; nil when there is none (the prefix is
// empty or all 0xff bytes), and then only the lower bound applies.
func prefixEnd(prefix string) []byte {
	end := []byte(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// encodeDoc is the JSON a record is kept as: its bot type, in full.
func encodeDoc(what string, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("storage: encode %s: %w", what, err)
	}
	return data, nil
}

// decodeDoc decodes a record kept by encodeDoc into v.
func decodeDoc(what string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("storage: decode %s: %w", what, err)
	}
	return nil
}

// uniqueViolation reports whether err is PostgreSQL refusing a duplicate
// key (SQLSTATE 23505).
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// requireField rejects an empty key field with a clear message. It is a
// bug in the caller, not a user's mistake.
func requireField(what, field, value string) error {
	if value == "" {
		return fmt.Errorf("storage: %s has an empty %s", what, field)
	}
	return nil
}
