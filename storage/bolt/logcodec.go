package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// Logs are the records a report reads by the million, so they are kept in
// a binary form (schema 7) that decodes about twenty times faster than
// their JSON did, and their user index entry holds the same bytes: a
// host's logs are one range of that index, read without a lookup per log.
//
// The form, after its version byte logFormat: UserID, Start, Title,
// Listeners, Minutes, LoggedAt, ScheduleID, Occurrence, Provenance,
// LoggedBy, then a flags byte (Forced). Strings are a uvarint length and
// their bytes, integers varints, a time the varint seconds since the zero
// time.Time and the uvarint nanoseconds (times read back in UTC), and
// Provenance its number, which bot promises never to renumber. SpaceID is
// the key's. A value that starts with '{' is a log's JSON from before
// schema 7 (see readLog), and reads as it always did.

// logFormat is the first byte of a binary log.
const logFormat = 1

// forcedFlag is the flags byte's bit for SpaceLog.Forced.
const forcedFlag = 1

// zeroUnix is the zero time.Time in Unix seconds: a time is kept as its
// distance from it, so a zero time is two bytes.
var zeroUnix = time.Time{}.Unix()

func encodeLog(l bot.SpaceLog) ([]byte, error) {
	if l.Provenance > 0xff {
		return nil, fmt.Errorf("storage: encode log %s: provenance %d", l.SpaceID, l.Provenance)
	}
	b := make([]byte, 0, 48+len(l.UserID)+len(l.Title)+len(l.LoggedBy))
	b = append(b, logFormat)
	b = appendString(b, l.UserID)
	b = appendTime(b, l.Start)
	b = appendString(b, l.Title)
	b = binary.AppendVarint(b, int64(l.Listeners))
	b = binary.AppendVarint(b, int64(l.Minutes))
	b = appendTime(b, l.LoggedAt)
	b = binary.AppendVarint(b, l.ScheduleID)
	b = appendTime(b, l.Occurrence)
	b = append(b, byte(l.Provenance))
	b = appendString(b, l.LoggedBy)
	var flags byte
	if l.Forced {
		flags |= forcedFlag
	}
	return append(b, flags), nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix()-zeroUnix)
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// decodeLog decodes the log stored under spaceID: binary, or JSON from
// before schema 7.
func decodeLog(spaceID, data []byte) (bot.SpaceLog, error) {
	if len(data) > 0 && data[0] == '{' {
		return decodeJSONLog(spaceID, data)
	}
	r := logReader{data: data}
	if v := r.byte(); v != logFormat && r.err == nil {
		return bot.SpaceLog{}, fmt.Errorf("storage: decode log at %q: unknown format %d", spaceID, v)
	}
	l := bot.SpaceLog{SpaceID: string(spaceID)}
	l.UserID = r.string()
	l.Start = r.time()
	l.Title = r.string()
	l.Listeners = int(r.varint())
	l.Minutes = int(r.varint())
	l.LoggedAt = r.time()
	l.ScheduleID = r.varint()
	l.Occurrence = r.time()
	if l.Provenance = bot.Provenance(r.byte()); l.Provenance == 0 {
		l.Provenance = bot.OneClick // stored without one, as JSON read it
	}
	l.LoggedBy = r.string()
	l.Forced = r.byte()&forcedFlag != 0
	if r.err == nil && len(r.data) > 0 {
		r.err = errors.New("bytes left over")
	}
	if r.err != nil {
		return bot.SpaceLog{}, fmt.Errorf("storage: decode log at %q: %w", spaceID, r.err)
	}
	return l, nil
}

// logReader reads a binary log's fields in order; the first error sticks.
type logReader struct {
	data []byte
	err  error
}

var errTruncated = errors.New("truncated")

func (r *logReader) byte() byte {
	if r.err != nil || len(r.data) == 0 {
		r.fail()
		return 0
	}
	c := r.data[0]
	r.data = r.data[1:]
	return c
}

func (r *logReader) varint() int64 {
	v, n := binary.Varint(r.data)
	if r.err != nil || n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *logReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	if r.err != nil || n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *logReader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.data)) {
		r.fail()
		return ""
	}
	s := string(r.data[:n])
	r.data = r.data[n:]
	return s
}

func (r *logReader) time() time.Time {
	sec, nsec := r.varint(), r.uvarint()
	if r.err != nil || nsec >= uint64(time.Second) {
		r.fail()
		return time.Time{}
	}
	return time.Unix(sec+zeroUnix, int64(nsec)).UTC()
}

func (r *logReader) fail() {
	if r.err == nil {
		r.err = errTruncated
	}
}

// Schema 6 → 7: every log's record becomes binary, in the logs bucket and
// in its user index entry (which was empty). It runs in chunks of
// logsPerChunk, so the transaction holds one chunk's records at a time
// besides the pages it rewrites.
const logsPerChunk = 10_000

func binaryLogs(tx *bbolt.Tx) error {
	all := tx.Bucket(workspacesBucket)
	if all == nil {
		return nil
	}
	return all.ForEachBucket(func(k []byte) error {
		w := all.Bucket(k)
		bySpace, byUser := w.Bucket(logsBucket), w.Bucket(logsByUserBucket)
		if bySpace == nil || byUser == nil {
			return nil
		}
		if err := rewriteLogs(bySpace, byUser); err != nil {
			return fmt.Errorf("workspace %s: %w", k, err)
		}
		return nil
	})
}

func rewriteLogs(bySpace, byUser *bbolt.Bucket) error {
	type rewrite struct {
		spaceID, userKey, data []byte
	}
	var from []byte // the key the next chunk starts after
	for {
		var chunk []rewrite
		c := bySpace.Cursor()
		k, v := c.First()
		if from != nil {
			if k, v = c.Seek(from); bytes.Equal(k, from) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(chunk) < logsPerChunk; k, v = c.Next() {
			l, err := decodeLog(k, v)
			if err != nil {
				return err
			}
			data, err := encodeLog(l)
			if err != nil {
				return err
			}
			chunk = append(chunk, rewrite{bytes.Clone(k), userIndexKey(l), data})
		}
		if len(chunk) == 0 {
			return nil
		}
		for _, r := range chunk {
			if err := bySpace.Put(r.spaceID, r.data); err != nil {
				return err
			}
			if err := byUser.Put(r.userKey, r.data); err != nil {
				return err
			}
		}
		from = chunk[len(chunk)-1].spaceID
	}
}
