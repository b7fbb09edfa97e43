package bot

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Reports (the digest, the stipend report, /cohort report, the dashboard)
// account every host of a cohort. They read the store in one pass, each
// host and each log once, however many accounts of a host they make.

// HostScanner is a store that reads every host of a workspace with their
// logs in one pass, as of one moment. It is optional: a store without it
// is read host by host, with the same results.
type HostScanner interface {
	// ScanHosts calls fn for each host of ws, by UserID, with their logs
	// that started in [from, to), by Start, and data to read the rest of
	// theirs (schedules) from, all as of one moment. data is valid only
	// during the call; the logs are the caller's. fn must not call the
	// store itself (a bbolt read transaction is open), and an error from
	// fn ends the scan with it.
	ScanHosts(ctx context.Context, ws WorkspaceRef, from, to time.Time, fn func(h Host, logs []SpaceLog, data HostData) error) error
}

// scanHosts calls fn for every host of ws with a HostData that serves the
// host's logs in [from, to) from one read of them (see hostLogs). fn must
// not call st.
func scanHosts(ctx context.Context, st Store, ws WorkspaceRef, from, to time.Time, fn func(h Host, data HostData) error) error {
	if scanner, ok := st.(HostScanner); ok {
		return scanner.ScanHosts(ctx, ws, from, to, func(h Host, logs []SpaceLog, data HostData) error {
			return fn(h, &hostLogs{src: data, ws: ws, userID: h.UserID, from: from, to: to, logs: logs})
		})
	}
	hosts, err := st.Hosts(ctx, ws)
	if err != nil {
		return err
	}
	for _, h := range hosts {
		logs, err := st.LogsOf(ctx, ws, h.UserID, from, to)
		if err != nil {
			return err
		}
		if err := fn(h, &hostLogs{src: st, ws: ws, userID: h.UserID, from: from, to: to, logs: logs}); err != nil {
			return err
		}
	}
	return nil
}

// hostLogs is one host's logs read once for [from, to): it serves every
// read of theirs within that range from them, and reads schedules (at
// most once), Spaces seen on X, and anything else from src.
type hostLogs struct {
	src       HostData
	ws        WorkspaceRef
	userID    string
	from, to  time.Time
	logs      []SpaceLog // by Start
	schedules []Schedule
	loaded    bool
}

func (c *hostLogs) LogsOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SpaceLog, error) {
	if ws != c.ws || userID != c.userID || from.Before(c.from) || to.After(c.to) {
		return c.src.LogsOf(ctx, ws, userID, from, to)
	}
	if !from.Before(to) {
		return nil, nil
	}
	i := sort.Search(len(c.logs), func(i int) bool { return !c.logs[i].Start.Before(from) })
	j := i + sort.Search(len(c.logs)-i, func(k int) bool { return !c.logs[i+k].Start.Before(to) })
	if i == j {
		return nil, nil
	}
	return c.logs[i:j:j], nil
}

func (c *hostLogs) SeenSpacesOf(ctx context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SeenSpace, error) {
	return c.src.SeenSpacesOf(ctx, ws, userID, from, to)
}

func (c *hostLogs) SchedulesOf(ctx context.Context, ws WorkspaceRef, userID string) ([]Schedule, error) {
	if ws != c.ws || userID != c.userID {
		return c.src.SchedulesOf(ctx, ws, userID)
	}
	if !c.loaded {
		schedules, err := c.src.SchedulesOf(ctx, ws, userID)
		if err != nil {
			return nil, err
		}
		c.schedules, c.loaded = schedules, true
	}
	return c.schedules, nil
}

// memberPass is one report's accounts of a cohort's hosts: each account
// it asks for reads from the logs scanned once, through end.
type memberPass struct {
	acc       *accounting
	from, end time.Time // the logs scanned
}

func newMemberPass(c Cohort) *memberPass {
	acc := newAccounting(c)
	return &memberPass{acc: acc, from: acc.first.Start, end: acc.first.End}
}

// asOf makes sure the pass reads what an account as of now needs.
func (p *memberPass) asOf(now time.Time) {
	current := p.acc.weekOf(now)
	if current.Start.After(p.acc.last.Start) {
		current = p.acc.last
	}
	if current.End.After(p.end) {
		p.end = current.End
	}
}

// readsFrom makes sure the pass reads logs from t on.
func (p *memberPass) readsFrom(t time.Time) {
	if t.Before(p.from) {
		p.from = t
	}
}

// run scans the store, calling fn for each host.
func (p *memberPass) run(ctx context.Context, st Store, ws WorkspaceRef, fn func(h Host, data HostData) error) error {
	return scanHosts(ctx, st, ws, p.from, p.end, fn)
}

// eachMember accounts, as of now, every host who was a member of c at some
// time in [from, to), through the week starting at or before through
// (zero: the week containing now; see accounting.host), in one pass over
// the store, and calls fn with each record, by user id.
func eachMember(ctx context.Context, st Store, ws WorkspaceRef, c Cohort, from, to, now, through time.Time, fn func(HostRecord) error) error {
	p := newMemberPass(c)
	p.asOf(now)
	return p.run(ctx, st, ws, func(h Host, data HostData) error {
		if !h.MemberDuring(c, from, to) {
			return nil
		}
		rec, err := p.acc.host(ctx, data, ws, h, now, through)
		if err != nil {
			return fmt.Errorf("account %s: %w", h.UserID, err)
		}
		return fn(rec)
	})
}
