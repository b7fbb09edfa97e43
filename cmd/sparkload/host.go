package main

import (
	"context"
	"fmt"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
)

// hostZone is every seeded host's Slack profile zone, stored as their
// platform zone too, so that a command never has to write it.
const hostZone = "America/New_York"

func hostID(i int) string   { return fmt.Sprintf("U%08d", i) }
func hostName(i int) string { return fmt.Sprintf("host%d", i) }

// logGap is how often one host may log: the overlap rule lets a host log
// one Space per 30 minutes, and a little more keeps clear of its edge.
const logGap = 31 * time.Minute

// hostRange is a run of seeded hosts, [start, start+n).
type hostRange struct{ start, n int }

// host is the host request i is sent as: each in turn, round again after n.
func (h hostRange) host(i int) int { return h.start + i%h.n }

// hostRanges are the hosts each kind of phase uses. They do not overlap,
// so every measured command is a host's first (sparkbot looks their
// profile up in the fake Slack, as for a host it has not seen in a while),
// and a log is always its host's only one in logGap.
type hostRanges struct {
	warmup, status, log hostRange
}

func planHosts(cfg config) hostRanges {
	var r hostRanges
	next := 0
	take := func(n int) hostRange {
		h := hostRange{start: next, n: max(n, 1)}
		next += h.n
		return h
	}
	r.warmup = take(int(float64(cfg.rate) * cfg.warmup.Seconds()))
	for _, p := range cfg.paths {
		switch p {
		case "status":
			r.status = take(int(float64(cfg.rate) * cfg.duration.Seconds()))
		case "log":
			r.log = take(int(float64(cfg.rate) * min(cfg.duration, logGap).Seconds()))
		}
	}
	return r
}

func (r hostRanges) total() int {
	return max(r.warmup.start+r.warmup.n, r.status.start+r.status.n, r.log.start+r.log.n)
}

func (r hostRanges) of(path string) hostRange {
	if path == "log" {
		return r.log
	}
	return r.status
}

// seed writes a cohort in its first week, with n hosts who joined at its
// start, into a new database at path. It writes through the store, as
// the bot would, but without fsync: a bulk load.
func seed(ctx context.Context, path string, n int, now time.Time) error {
	db, err := bolt.OpenWith(path, bolt.Options{NoSync: true})
	if err != nil {
		return err
	}
	if err := seedHosts(ctx, db, n, now); err != nil {
		db.Close()
		return err
	}
	return db.Close() // the page cache has it for sparkbot; a lost file is seeded again
}

func seedHosts(ctx context.Context, db *bolt.DB, n int, now time.Time) error {
	ws := bot.WorkspaceRef{Platform: bot.Slack, ID: teamID}
	co, err := db.AddCohort(ctx, ws, bot.NewCohort("Load", weekStart(now)), 0)
	if err != nil {
		return err
	}
	joined := bot.LocalTime(co.Start, bot.TimeOfDay{}, co.Location())
	// Excused this week: otherwise the daily check finds every host at risk
	// and the scheduler DMs them all during the run, which is not the load
	// being measured. A log re-checks the host's warnings all the same.
	excused := map[string]string{co.Start.String(): "load test"}
	for i := range n {
		h := bot.Host{UserID: hostID(i), Name: hostName(i), Handle: hostName(i) + "_x", PlatformZone: hostZone, Excused: excused}
		h.Join(co, joined)
		if err := db.PutHost(ctx, ws, h); err != nil {
			return err
		}
	}
	return nil
}

// weekStart is the Monday of now's week in the default cohort zone: a
// cohort starting then is in its first week now.
func weekStart(now time.Time) bot.Date {
	loc, err := time.LoadLocation(bot.DefaultZone)
	if err != nil {
		loc = time.UTC
	}
	d := bot.DateOf(now.In(loc))
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}
