package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
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

// scanHosts calls fn for every host of ws with their logs in [from, to),
// by Start, and src to read the rest of theirs from: the scan's data, or
// st itself for a store that cannot scan. fn must not call st.
func scanHosts(ctx context.Context, st Store, ws WorkspaceRef, from, to time.Time, fn func(h Host, logs []SpaceLog, src HostData) error) error {
	if scanner, ok := st.(HostScanner); ok {
		return scanner.ScanHosts(ctx, ws, from, to, fn)
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
		if err := fn(h, logs, st); err != nil {
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
// it asks for reads from the logs scanned once, through end. It reads on
// one goroutine (the store's scan) and accounts on another, so a report
// uses two cores: what an account reads of a host besides their logs (the
// open week's schedules and Spaces scheduled on X) is read with them.
type memberPass struct {
	acc       *accounting
	from, end time.Time // the logs scanned
	accounts  []passAccount
}

// passAccount is an account the pass makes of each host (accounting.host).
type passAccount struct{ now, through time.Time }

func newMemberPass(c Cohort) *memberPass {
	acc := newAccounting(c)
	return &memberPass{acc: acc, from: acc.first.Start, end: acc.first.End}
}

// asOf makes sure the pass reads what an account as of now, through the
// week starting at or before through (zero: the week containing now; see
// accounting.host), needs.
func (p *memberPass) asOf(now, through time.Time) {
	current := p.acc.weekOf(now)
	if current.Start.After(p.acc.last.Start) {
		current = p.acc.last
	}
	p.reads(current.Start, current.End) // a record before the cohort starts is this week alone
	p.accounts = append(p.accounts, passAccount{now, through})
}

// openWeeks are the weeks of h, open at their account's now, that the
// pass's accounts of h cover (accounting.record reads the schedules and
// the Spaces on X of such a week): the record's last week, when it is
// the week containing now and now is before its end. It appends them to
// weeks.
func (p *memberPass) openWeeks(h Host, weeks []Week) []Week {
	for _, a := range p.accounts {
		s := p.acc.span(h, a.now)
		if last := p.acc.lastWeek(s, a.through); last.Start.Equal(s.current.Start) && a.now.Before(s.current.End) &&
			!slices.ContainsFunc(weeks, func(w Week) bool { return w.Start.Equal(s.current.Start) }) {
			weeks = append(weeks, s.current)
		}
	}
	return weeks
}

// reads makes sure the pass reads the logs that started in [from, to).
func (p *memberPass) reads(from, to time.Time) {
	if from.Before(p.from) {
		p.from = from
	}
	if to.After(p.end) {
		p.end = to
	}
}

// passHost is one host as the scan read them, for the accounting side:
// data serves their logs and what else the pass read of theirs (read).
// It is one allocation a host: the scan hands out 100,000.
type passHost struct {
	h    Host
	data hostLogs // src is &read
	read passRead
}

// run scans the store, calling fn for each host, by user id, on a
// goroutine of its own; fn reads only data, which serves what the pass
// read. run returns once fn has seen every host, with the first error.
func (p *memberPass) run(ctx context.Context, st Store, ws WorkspaceRef, fn func(h Host, data HostData) error) error {
	hosts := make(chan *passHost, 1024)
	var failed atomic.Bool
	result := make(chan error, 1)
	go func() {
		var err error
		for ph := range hosts {
			if err == nil {
				if err = fn(ph.h, &ph.data); err != nil {
					failed.Store(true)
				}
			}
		}
		result <- err
	}()
	err := scanHosts(ctx, st, ws, p.from, p.end, func(h Host, logs []SpaceLog, src HostData) error {
		if failed.Load() {
			return errPassFailed
		}
		ph := &passHost{h: h}
		ph.data = hostLogs{src: &ph.read, ws: ws, userID: h.UserID, from: p.from, to: p.end, logs: logs}
		if err := p.read(ctx, ws, h, src, &ph.read); err != nil {
			return err
		}
		hosts <- ph
		return nil
	})
	close(hosts)
	if ferr := <-result; ferr != nil {
		return ferr
	}
	return err
}

// errPassFailed ends a scan whose accounts failed (run returns theirs).
var errPassFailed = errors.New("the accounts of the pass failed")

// read reads into r what the accounts of h need besides their logs, from
// src.
func (p *memberPass) read(ctx context.Context, ws WorkspaceRef, h Host, src HostData, r *passRead) error {
	r.ws, r.userID, r.open = ws, h.UserID, p.openWeeks(h, r.openBuf[:0])
	if len(r.open) == 0 {
		return nil // no account reads schedules
	}
	var err error
	if r.schedules, err = src.SchedulesOf(ctx, ws, h.UserID); err != nil {
		return err
	}
	r.seen = r.seenBuf[:0]
	for _, w := range r.open {
		seen, err := src.SeenSpacesOf(ctx, ws, h.UserID, w.Start, w.End)
		if err != nil {
			return err
		}
		r.seen = append(r.seen, seen)
	}
	return nil
}

// passRead is what a pass read of one host besides their logs: their
// schedules and the Spaces seen on X in each open week an account covers.
// It serves those reads, and refuses any other (a pass that read too
// little).
type passRead struct {
	ws        WorkspaceRef
	userID    string
	open      []Week
	schedules []Schedule
	seen      [][]SeenSpace // seen[i] in open[i]
	// open and seen's arrays, for the one open week most hosts have
	openBuf [1]Week
	seenBuf [1][]SeenSpace
}

func (r *passRead) check(ws WorkspaceRef, userID string, what string) error {
	if ws != r.ws || userID != r.userID || len(r.open) == 0 {
		return fmt.Errorf("a report's pass did not read %s's %s", userID, what)
	}
	return nil
}

func (r *passRead) LogsOf(_ context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SpaceLog, error) {
	return nil, fmt.Errorf("a report's pass did not read %s's logs from %s to %s", userID, from, to)
}

func (r *passRead) SchedulesOf(_ context.Context, ws WorkspaceRef, userID string) ([]Schedule, error) {
	return r.schedules, r.check(ws, userID, "schedules")
}

func (r *passRead) SeenSpacesOf(_ context.Context, ws WorkspaceRef, userID string, from, to time.Time) ([]SeenSpace, error) {
	if err := r.check(ws, userID, "Spaces seen on X"); err != nil {
		return nil, err
	}
	for i, w := range r.open {
		if from.Equal(w.Start) && to.Equal(w.End) {
			return r.seen[i], nil
		}
	}
	return nil, fmt.Errorf("a report's pass did not read %s's Spaces seen on X from %s to %s", userID, from, to)
}

// eachMember accounts, as of now, every host who was a member of c at some
// time in [from, to), through the week starting at or before through
// (zero: the week containing now; see accounting.host), in one pass over
// the store, and calls fn with each record, by user id. Unless keeps, a
// record's Weeks, and their Upcoming, are valid only during fn
// (accounting.reusing).
func eachMember(ctx context.Context, st Store, ws WorkspaceRef, c Cohort, from, to, now, through time.Time, keeps bool, fn func(HostRecord) error) error {
	p := newMemberPass(c)
	if !keeps {
		p.acc.reusing()
	}
	p.asOf(now, through)
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

// reportRows gathers a report's rows, one a host, in blocks of rowBlock:
// one slice of 100,000 rows would be copied at each growth (Go grows a
// large slice by a quarter, so about five times its final size in all).
type reportRows[T any] struct {
	blocks [][]T
	n      int
}

const rowBlock = 4096

func (r *reportRows[T]) add(row T) {
	if r.n%rowBlock == 0 {
		r.blocks = append(r.blocks, make([]T, 0, rowBlock))
	}
	b := &r.blocks[len(r.blocks)-1]
	*b = append(*b, row)
	r.n++
}

func (r *reportRows[T]) at(i int) *T { return &r.blocks[i/rowBlock][i%rowBlock] }

// all returns the rows, in the order added, in one slice of their length.
func (r *reportRows[T]) all() []T {
	out := make([]T, 0, r.n)
	for _, b := range r.blocks {
		out = append(out, b...)
	}
	return out
}

// sorted returns the rows ordered by cmp, stable: it sorts their
// positions rather than the rows, which are large.
func (r *reportRows[T]) sorted(cmp func(a, b *T) int) []T {
	order := make([]int32, r.n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int { return cmp(r.at(int(i)), r.at(int(j))) })
	out := make([]T, len(order))
	for k, i := range order {
		out[k] = *r.at(int(i))
	}
	return out
}

// linesOf returns line(i) for each i in [0, n). A report's 100,000 lines
// are written after its pass, on one core while the other idles: for that
// many, two goroutines write a half each. line must be safe to call from
// both.
func linesOf(n int, line func(i int) Line) []Line {
	out := make([]Line, n)
	half := n / 2
	if n < minParallelLines {
		half = 0
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range half {
			out[i] = line(i)
		}
	})
	for i := half; i < n; i++ {
		out[i] = line(i)
	}
	wg.Wait()
	return out
}

// minParallelLines is how many lines linesOf writes on two goroutines.
const minParallelLines = 2048
