package bolt

import (
	"context"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var _ bot.HostScanner = (*DB)(nil)

// ScanHosts calls fn for each host of ws, by UserID, with their logs that
// started in [from, to), by Start, all in one read transaction: a report
// over 100,000 hosts reads each host and log once, and one seek of the
// user index finds each host's logs. data reads the same transaction.
func (db *DB) ScanHosts(ctx context.Context, ws bot.WorkspaceRef, from, to time.Time, fn func(h bot.Host, logs []bot.SpaceLog, data bot.HostData) error) error {
	return db.view(ctx, func(tx *bbolt.Tx) error {
		hosts := bucket(tx, ws, hostsBucket)
		if hosts == nil {
			return nil
		}
		data := txData{ws: ws, logs: readLogBuckets(tx, ws), schedules: readScheduleBuckets(tx, ws), seen: readSeenBuckets(tx, ws)}
		c := hosts.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			h, err := decodeHost(k, v)
			if err != nil {
				return err
			}
			logs, err := data.logs.scan(data.logs.byUser, userPrefix(h.UserID), from, to)
			if err != nil {
				return err
			}
			if err := fn(h, logs, data); err != nil {
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
