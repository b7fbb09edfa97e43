package bolt

import (
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// Logs are the records a report reads by the million, so they are kept in
// a binary form (schema 7; see binary.go) that decodes about twenty times
// faster than their JSON did, and their user index entry holds the same
// bytes: a host's logs are one range of that index, read without a lookup
// per log.
//
// The form, after its version byte logFormat: UserID, Start, Title,
// Listeners, Minutes, LoggedAt, ScheduleID, Occurrence, Provenance (its
// number, which bot promises never to renumber), LoggedBy, then a flags
// byte (Forced). SpaceID is the key's.

// logFormat is the first byte of a binary log.
const logFormat = 1

// forcedFlag is the flags byte's bit for SpaceLog.Forced.
const forcedFlag = 1

func encodeLog(l bot.SpaceLog) ([]byte, error) {
	if l.Provenance > 0xff {
		return nil, fmt.Errorf("storage: encode log %s: provenance %d", l.SpaceID, l.Provenance)
	}
	b := make([]byte, 0, 48+len(l.UserID)+len(l.Title)+len(l.LoggedBy))
	b = append(b, logFormat)
	b = appendString(b, l.UserID)
	b = appendTime(b, l.Start)
	b = appendString(b, l.Title)
	b = appendInt(b, int64(l.Listeners))
	b = appendInt(b, int64(l.Minutes))
	b = appendTime(b, l.LoggedAt)
	b = appendInt(b, l.ScheduleID)
	b = appendTime(b, l.Occurrence)
	b = append(b, byte(l.Provenance))
	b = appendString(b, l.LoggedBy)
	var flags byte
	if l.Forced {
		flags |= forcedFlag
	}
	return append(b, flags), nil
}

// decodeLog decodes the log stored under spaceID: binary, or JSON from
// before schema 7.
func decodeLog(spaceID, data []byte) (bot.SpaceLog, error) {
	var l bot.SpaceLog
	if err := decodeLogInto(&l, spaceID, data, nil); err != nil {
		return bot.SpaceLog{}, err
	}
	return l, nil
}

// decodeLogInto is decodeLog into *l, which must be zero, taking its
// strings from recent, if set: a scan decodes a million logs in place in
// the slice it returns, rather than each on the stack then copied (a log
// is 176 bytes).
func decodeLogInto(l *bot.SpaceLog, spaceID, data []byte, recent *recentStrings) error {
	if isJSON(data) {
		var err error
		*l, err = decodeJSONLog(spaceID, data)
		return err
	}
	r := recordReader{data: data, recent: recent}
	r.format(logFormat)
	l.SpaceID = string(spaceID)
	l.UserID = r.string()
	l.Start = r.time()
	l.Title = r.string()
	l.Listeners = r.int()
	l.Minutes = r.int()
	l.LoggedAt = r.time()
	l.ScheduleID = r.varint()
	l.Occurrence = r.time()
	if l.Provenance = bot.Provenance(r.byte()); l.Provenance == 0 {
		l.Provenance = bot.OneClick // stored without one, as JSON read it
	}
	l.LoggedBy = r.string()
	l.Forced = r.byte()&forcedFlag != 0
	if err := r.done(); err != nil {
		return fmt.Errorf("storage: decode log at %q: %w", spaceID, err)
	}
	return nil
}

// Schema 6 → 7: every log's record becomes binary, in the logs bucket and
// in its user index entry (which was empty), in chunks (rewriteChunks).
func binaryLogs(tx *bbolt.Tx) error {
	return eachWorkspace(tx, func(w *bbolt.Bucket) error {
		bySpace, byUser := w.Bucket(logsBucket), w.Bucket(logsByUserBucket)
		if bySpace == nil || byUser == nil {
			return nil
		}
		return rewriteLogs(bySpace, byUser)
	})
}

func rewriteLogs(bySpace, byUser *bbolt.Bucket) error {
	type rewrite struct{ userKey, data []byte }
	return rewriteChunks(bySpace, func(k, v []byte) (rewrite, error) {
		l, err := decodeLog(k, v)
		if err != nil {
			return rewrite{}, err
		}
		data, err := encodeLog(l)
		return rewrite{userIndexKey(l), data}, err
	}, func(spaceID []byte, r rewrite) error {
		if err := bySpace.Put(spaceID, r.data); err != nil {
			return err
		}
		return byUser.Put(r.userKey, r.data)
	})
}
