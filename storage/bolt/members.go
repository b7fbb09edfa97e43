package bolt

import (
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
			if chunk, err = data.logs.scanInto(chunk, data.logs.byUser, userPrefix(h.UserID), from, to); err != nil {
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
	ws        bot.WorkspaceRef
	logs      logBuckets
	schedules scheduleBuckets
	seen      seenBuckets
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
	return d.schedules.ofUser(userID)
}

func (d txData) SeenSpacesOf(_ context.Context, ws bot.WorkspaceRef, userID string, from, to time.Time) ([]bot.SeenSpace, error) {
	if err := d.check(ws); err != nil {
		return nil, err
	}
	return d.seen.ofHost(userID, from, to)
}
