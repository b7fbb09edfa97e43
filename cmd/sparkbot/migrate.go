package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/bolt"
	"sparkbot/storage/postgres"
)

// runMigrate runs `sparkbot migrate --from FILE --to URL`: it copies a
// bbolt file into an empty PostgreSQL database, checks that both hold as
// many records of each kind, and returns the exit code.
func (a *App) runMigrate(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("sparkbot migrate", flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	env := envReader{a: a}
	from := fs.String("from", env.str("SPARKBOT_DB", ""), "the bbolt file to copy, with no sparkbot running on it (SPARKBOT_DB)")
	to := fs.String("to", env.str("SPARKBOT_DATABASE_URL", ""), "the PostgreSQL database to copy into, postgres://…; it must hold no sparkbot data (SPARKBOT_DATABASE_URL)")
	return a.runTool(fs, args, func() error { // backup.go
		if *from == "" || *to == "" {
			return errors.New("migrate needs --from FILE (the bbolt file) and --to postgres://… (an empty database)")
		}
		return a.migrate(ctx, *from, *to)
	})
}

func (a *App) migrate(ctx context.Context, from, to string) error {
	if err := (databaseConfig{URL: to, ClaimLease: time.Second, LeaderPoll: time.Second, SlackSockets: 1}).check(); err != nil {
		return errors.New("--to must be a postgres:// URL, like postgres://sparkbot:secret@db:5432/sparkbot")
	}
	dst, err := postgres.Open(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := refuseNonEmpty(ctx, dst); err != nil {
		return err
	}
	src, err := bolt.Open(from) // refused while a sparkbot runs on it
	if err != nil {
		return err
	}
	defer src.Close()
	if err := copyStore(ctx, src, dst); err != nil {
		return fmt.Errorf("copying stopped part way (%w); empty the target before trying again", err)
	}
	return a.compareCounts(ctx, src, dst, from)
}

// counter is a store that counts its records by kind.
type counter interface {
	Counts(ctx context.Context) (map[string]int, error)
}

func refuseNonEmpty(ctx context.Context, dst counter) error {
	counts, err := dst.Counts(ctx)
	if err != nil {
		return err
	}
	var held []string
	for _, kind := range slices.Sorted(maps.Keys(counts)) {
		if counts[kind] > 0 {
			held = append(held, fmt.Sprintf("%d %s", counts[kind], kind))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("the target database holds sparkbot data already (%s): migrate only into an empty one, so nothing is mixed or lost", strings.Join(held, ", "))
	}
	return nil
}

// compareCounts prints both sides' counts and fails if any differ.
func (a *App) compareCounts(ctx context.Context, src, dst counter, from string) error {
	want, err := src.Counts(ctx)
	if err != nil {
		return err
	}
	got, err := dst.Counts(ctx)
	if err != nil {
		return err
	}
	var differ []string
	fmt.Fprintf(a.Stdout, "%-16s %10s %10s\n", "", "bbolt", "PostgreSQL")
	for _, kind := range slices.Sorted(maps.Keys(want)) {
		fmt.Fprintf(a.Stdout, "%-16s %10d %10d\n", kind, want[kind], got[kind])
		if want[kind] != got[kind] {
			differ = append(differ, kind)
		}
	}
	if len(differ) > 0 {
		return fmt.Errorf("the counts differ (%s): the copy is incomplete; empty the target and try again", strings.Join(differ, ", "))
	}
	fmt.Fprintf(a.Stdout, "Copied %s into PostgreSQL; the counts match. Start sparkbot with SPARKBOT_DATABASE_URL set.\n", from)
	return nil
}

// copyStore copies every record of src into dst: per workspace, then the
// due index and the outbox, then the tokens.
func copyStore(ctx context.Context, src *bolt.DB, dst *postgres.DB) error {
	wss, err := src.AllWorkspaces(ctx)
	if err != nil {
		return err
	}
	for _, ws := range wss {
		if err := copyWorkspace(ctx, src, dst, ws); err != nil {
			return fmt.Errorf("workspace %s: %w", ws.Key(), err)
		}
	}
	if err := copyJobs(ctx, src, dst); err != nil {
		return err
	}
	tokens, err := src.Tokens(ctx)
	if err != nil {
		return err
	}
	for _, tok := range tokens {
		if tok.Feed {
			err = dst.PutFeed(ctx, tok.Hash, tok.Grant)
		} else {
			err = dst.AddToken(ctx, tok.Hash, tok.Grant)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// logsFrom and logsTo bound every log's Start, so the range reads them
// all; one outside it, which nobody could have logged, would show as a
// difference of the counts.
var (
	logsFrom = time.Date(-4000, 1, 1, 0, 0, 0, 0, time.UTC) // PostgreSQL's timestamptz starts in 4713 BC
	logsTo   = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func copyWorkspace(ctx context.Context, src *bolt.DB, dst *postgres.DB, ws bot.WorkspaceRef) error {
	cohorts, err := src.Cohorts(ctx, ws)
	if err != nil {
		return err
	}
	for _, c := range cohorts {
		if err := dst.PutCohort(ctx, ws, c); err != nil {
			return err
		}
		issues, err := src.IssuedStipends(ctx, ws, c.ID)
		if err != nil {
			return err
		}
		for _, is := range issues {
			if _, err := dst.IssueStipend(ctx, ws, is); err != nil {
				return err
			}
		}
	}
	hosts, err := src.Hosts(ctx, ws)
	if err != nil {
		return err
	}
	for _, h := range hosts {
		if err := dst.PutHost(ctx, ws, h); err != nil {
			return err
		}
	}
	apps, err := src.Applications(ctx, ws)
	if err != nil {
		return err
	}
	for _, app := range apps {
		if err := dst.PutApplication(ctx, ws, app); err != nil {
			return err
		}
	}
	if err := copyWorkspaceX(ctx, src, dst, ws); err != nil {
		return err
	}
	return copyWorkspaceRest(ctx, src, dst, ws)
}

// copyWorkspaceX copies what ws keeps of X: hosts' links, the Spaces the
// watcher saw, and review decisions.
func copyWorkspaceX(ctx context.Context, src *bolt.DB, dst *postgres.DB, ws bot.WorkspaceRef) error {
	links, err := src.XLinks(ctx, ws)
	if err != nil {
		return err
	}
	for _, l := range links {
		if err := dst.PutXLink(ctx, ws, l); err != nil {
			return err
		}
	}
	seen, err := src.AllSeenSpaces(ctx, ws)
	if err != nil {
		return err
	}
	for _, s := range seen {
		if err := dst.PutSeenSpace(ctx, ws, s); err != nil {
			return err
		}
	}
	reviews, err := src.Reviews(ctx, ws)
	if err != nil {
		return err
	}
	for _, rv := range reviews {
		if err := dst.PutReview(ctx, ws, rv); err != nil {
			return err
		}
	}
	return nil
}

// copyWorkspaceRest copies ws's schedules, logs and counters.
func copyWorkspaceRest(ctx context.Context, src *bolt.DB, dst *postgres.DB, ws bot.WorkspaceRef) error {
	schedules, err := src.Schedules(ctx, ws)
	if err != nil {
		return err
	}
	last, err := src.ScheduleSequence(ctx, ws)
	if err != nil {
		return err
	}
	if err := dst.ImportSchedules(ctx, ws, schedules, last); err != nil {
		return err
	}
	logs, err := src.Logs(ctx, ws, logsFrom, logsTo)
	if err != nil {
		return err
	}
	if err := dst.ImportLogs(ctx, ws, logs); err != nil {
		return err
	}
	seqs, err := src.Sequences(ctx, ws)
	if err != nil {
		return err
	}
	for name, v := range seqs {
		if err := dst.SetSequence(ctx, ws, name, v); err != nil {
			return err
		}
	}
	return nil
}

// copyJobs copies the pending jobs, the outcomes and when planning last
// completed.
func copyJobs(ctx context.Context, src *bolt.DB, dst *postgres.DB) error {
	pending, err := src.PendingJobs(ctx, "")
	if err != nil {
		return err
	}
	if err := dst.AddJobs(ctx, pending); err != nil {
		return err
	}
	outcomes, err := src.Outcomes(ctx, "")
	if err != nil {
		return err
	}
	if err := dst.ImportOutcomes(ctx, outcomes); err != nil {
		return err
	}
	planned, err := src.PlannedThrough(ctx)
	if err != nil || planned.IsZero() {
		return err
	}
	return dst.SetPlannedThrough(ctx, planned)
}
