package bolt

import (
	"bytes"
	"encoding/binary"
	"time"

	"sparkbot/bot"
)

// idKeyLen is the width of an idKey.
const idKeyLen = 8

// idKey encodes a schedule ID big-endian, so key order is ID order.
func idKey(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

// idOf decodes an idKey.
func idOf(key []byte) int64 { return int64(binary.BigEndian.Uint64(key)) }

// userPrefix is the length of userID as a uvarint, then userID. Uvarints
// are a prefix code, so one user's index range never reaches into
// another's, whatever bytes (NULs included) their ids hold.
func userPrefix(userID string) []byte { return lengthPrefixed(userID) }

// workspacePrefix is ws.Key() prefixed the same way, so "discord:1" never
// reaches into "discord:10" in a global index.
func workspacePrefix(ws bot.WorkspaceRef) []byte { return lengthPrefixed(ws.Key()) }

// lengthPrefixed is the length of s as a uvarint, then s.
func lengthPrefixed(s string) []byte {
	key := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(s)), uint64(len(s)))
	return append(key, s...)
}

// timeKeyLen is the fixed width of a timeKey.
const timeKeyLen = 12

// timeKey encodes t so that bytes sort as instants do: Unix seconds with
// the sign bit flipped (times before 1970 sort first, not last), then
// nanoseconds. Seconds rather than UnixNano, which overflows outside
// 1678–2262 and would misplace a zero or far-future time.
func timeKey(t time.Time) []byte {
	key := make([]byte, 0, timeKeyLen)
	key = binary.BigEndian.AppendUint64(key, uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(key, uint32(t.Nanosecond()))
}

// timeOf decodes the timeKey at the start of key, in UTC.
func timeOf(key []byte) time.Time {
	sec := int64(binary.BigEndian.Uint64(key) ^ (1 << 63))
	return time.Unix(sec, int64(binary.BigEndian.Uint32(key[8:timeKeyLen]))).UTC()
}

// concat returns a new slice holding parts in order.
func concat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	key := make([]byte, 0, n)
	for _, p := range parts {
		key = append(key, p...)
	}
	return key
}

// hasPrefix reports whether a cursor's key k is still inside prefix's range.
func hasPrefix(k, prefix []byte) bool { return k != nil && bytes.HasPrefix(k, prefix) }
