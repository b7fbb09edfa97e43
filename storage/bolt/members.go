package bolt

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var _ bot.HostScanner = (*DB)(nil)

// A scan hands out hosts' logs from chunks of logChunk logs, starting a
// new one when fewer than minChunkRoom are left (a host with more grows
// the chunk it started in, and only their logs are copied).
const (
	logChunk     = 4096
	minChunkRoom = 256
)

// ScanHosts calls fn for each host of ws, by UserID, with their logs that
// started in [from, to), by Start, all in one read transaction: a report
// over 100,000 hosts reads each host and log once, and one seek of the
// user index finds each host's logs. data reads the same transaction. The
// logs share their backing array with other hosts' (capped, so appending
// copies): a caller keeping a few of them long copies those.
func (db *DB) ScanHosts(ctx context.Context, ws bot.WorkspaceRef, from, to time.Time, fn func(h bot.Host, logs []bot.SpaceLog, data bot.HostData) error) error {
	return db.view(ctx, func(tx *bbolt.Tx) error {
		hosts := bucket(tx, ws, hostsBucket)
		if hosts == nil {
			return nil
		}
		data := txData{ws: ws, logs: readLogBuckets(tx, ws), schedules: readScheduleBuckets(tx, ws), seen: readSeenBuckets(tx, ws)}
		data.scheduleWalk = newIndexWalk(data.schedules.byUser)
		logWalk := newIndexWalk(data.logs.byUser)
		var chunk []bot.SpaceLog // hosts' logs, one after another: a few allocations for 100,000 hosts
		c := hosts.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			h, err := decodeHost(k, v)
			if err != nil {
				return err
			}
			if cap(chunk)-len(chunk) < minChunkRoom {
				chunk = make([]bot.SpaceLog, 0, logChunk)
			}
			start := len(chunk)
			if chunk, err = data.logs.walkInto(chunk, logWalk, userPrefix(h.UserID), from, to); err != nil {
				return err
			}
			if err := fn(h, chunk[start:len(chunk):len(chunk)], data); err != nil {
				return err
			}
		}
		return nil
	})
}

// txData reads one workspace's logs, schedules and seen Spaces in an open
// transaction.
type txData struct {
	ws           bot.WorkspaceRef
	logs         logBuckets
	schedules    scheduleBuckets
	seen         seenBuckets
	scheduleWalk *indexWalk // of schedules.byUser, for hosts asked by UserID
}

func (d txData) check(ws bot.WorkspaceRef) error {
	if ws != d.ws {
		return fmt.Errorf("storage: a scan of workspace %s was asked for %s", d.ws.Key(), ws.Key())
	}
	return nil
}

func (d txData) LogsOf(_ context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SpaceLog, error) {
	if err := d.check(ws); err != nil {
		return nil, err
	}
	return d.logs.scan(d.logs.byUser, userPrefix(userID), from, to)
}

func (d txData) SchedulesOf(_ context.Context, ws bot.WorkspaceRef, userID string) ([]bot.Schedule, error) {
	if err := d.check(ws); err != nil {
		return nil, err
	}
	return d.schedules.ofUserWalk(userID, d.scheduleWalk)
}

func (d txData) SeenSpacesOf(_ context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SeenSpace, error) {
	if err := d.check(ws); err != nil {
		return nil, err
	}
	return d.seen.ofHost(userID, from, to)
}

// indexWalk reads ranges of an index asked for in key order, as a scan
// asks for each host's (by UserID): it steps from where the last range
// ended to the next one rather than seeking from the root, which was a
// tenth of a 100,000-host report's reading. A range asked out of order,
// or far ahead, is sought.
type indexWalk struct {
	c      *bbolt.Cursor
	recent recentStrings // the strings of the records last read, for the next
	k, v   []byte        // where the cursor is; nil k at the end
	at     bool          // the cursor has been positioned
	from   []byte        // the start last asked
	passed []byte        // the last key a range returned since the cursor was sought back
}

// walkSteps is how far a walk steps before it seeks instead.
const walkSteps = 8

func newIndexWalk(b *bbolt.Bucket) *indexWalk {
	if b == nil {
		return nil
	}
	return &indexWalk{c: b.Cursor()}
}

// seek positions the walk at the first key at or after start. Every key
// the cursor went by since it was last sought back is either one a range
// returned (at most passed) or before from, so stepping on is right for a
// start at or after from and after passed; any other is sought.
func (w *indexWalk) seek(start []byte) {
	if !w.at || bytes.Compare(start, w.from) < 0 || (w.passed != nil && bytes.Compare(start, w.passed) <= 0) {
		w.k, w.v = w.c.Seek(start)
		w.at, w.from, w.passed = true, start, nil
		return
	}
	w.from = start
	for n := 0; w.k != nil && bytes.Compare(w.k, start) < 0; n++ {
		if n == walkSteps {
			w.k, w.v = w.c.Seek(start)
			return
		}
		w.k, w.v = w.c.Next()
	}
}

// each calls fn for every entry from the first at or after start while
// in(k) holds.
func (w *indexWalk) each(start []byte, in func(k []byte) bool, fn func(k, v []byte) error) error {
	w.seek(start)
	for ; w.k != nil && in(w.k); w.k, w.v = w.c.Next() {
		if err := fn(w.k, w.v); err != nil {
			return err
		}
		w.passed = w.k
	}
	return nil
}
