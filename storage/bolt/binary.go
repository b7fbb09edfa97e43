package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The records reports read by the hundred thousand (logs, hosts,
// schedules) are kept in a binary form, after a version byte: strings a
// uvarint length and their bytes, integers varints, a time the varint
// seconds since the zero time.Time and the uvarint nanoseconds (times
// read back in UTC), a slice or map its length plus one (0 for nil, which
// means something else than empty for some fields), a bool a bit of a
// flags byte. The field the key holds is left out. A value that starts
// with '{' is the record's JSON from before, and reads as it always did.

// zeroUnix is the zero time.Time in Unix seconds: a time is kept as its
// distance from it, so a zero time is two bytes.
var zeroUnix = time.Time{}.Unix()

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix()-zeroUnix)
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func appendInt(b []byte, n int64) []byte { return binary.AppendVarint(b, n) }

// appendLen starts a slice or map of n elements, nil or not.
func appendLen(b []byte, n int, isNil bool) []byte {
	if isNil {
		return binary.AppendUvarint(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

// isJSON reports whether data is a record's JSON, from before its binary
// form.
func isJSON(data []byte) bool { return len(data) > 0 && data[0] == '{' }

// recordReader reads a binary record's fields in order; the first error
// sticks, and done reports it. With recent, its strings come from there.
type recordReader struct {
	data   []byte
	err    error
	recent *recentStrings
}

// recentStrings hands out the strings last read again for equal bytes: a
// scan reading a host's records one after another meets their user id in
// each, and the same few titles week after week, so 1.1 million logs'
// strings are a few hundred thousand allocations rather than millions. It
// is one scan's, on one goroutine.
type recentStrings struct {
	s    [8]string
	next int
}

func (c *recentStrings) of(b []byte) string {
	if len(b) == 0 {
		return "" // without taking a place
	}
	for i := range c.s {
		if c.s[i] == string(b) { // compares without allocating
			return c.s[i]
		}
	}
	s := string(b)
	c.s[c.next] = s
	c.next = (c.next + 1) % len(c.s)
	return s
}

var errTruncated = errors.New("truncated")

// format reads the version byte, which must be want.
func (r *recordReader) format(want byte) {
	if v := r.byte(); r.err == nil && v != want {
		r.err = fmt.Errorf("unknown format %d", v)
	}
}

func (r *recordReader) byte() byte {
	if r.err != nil || len(r.data) == 0 {
		r.fail()
		return 0
	}
	c := r.data[0]
	r.data = r.data[1:]
	return c
}

func (r *recordReader) varint() int64 {
	v, n := binary.Varint(r.data)
	if r.err != nil || n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *recordReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	if r.err != nil || n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *recordReader) int() int { return int(r.varint()) }

func (r *recordReader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.data)) {
		r.fail()
		return ""
	}
	var s string
	if r.recent != nil {
		s = r.recent.of(r.data[:n])
	} else {
		s = string(r.data[:n])
	}
	r.data = r.data[n:]
	return s
}

func (r *recordReader) time() time.Time {
	sec, nsec := r.varint(), r.uvarint()
	if r.err != nil || nsec >= uint64(time.Second) {
		r.fail()
		return time.Time{}
	}
	return time.Unix(sec+zeroUnix, int64(nsec)).UTC()
}

// len reads a slice's or map's length; isNil when it was nil. Each
// element takes at least a byte, so a length beyond the bytes left is an
// error, not an allocation.
func (r *recordReader) len() (n int, isNil bool) {
	v := r.uvarint()
	if r.err != nil || v == 0 {
		return 0, true
	}
	if v-1 > uint64(len(r.data)) {
		r.fail()
		return 0, true
	}
	return int(v - 1), false
}

func (r *recordReader) fail() {
	if r.err == nil {
		r.err = errTruncated
	}
}

// done returns the reader's error, or one for bytes left over.
func (r *recordReader) done() error {
	if r.err == nil && len(r.data) > 0 {
		r.err = errors.New("bytes left over")
	}
	return r.err
}
