package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"sparkbot/bot"
)

// previewNow is the clock of `schedule preview` when --from is not given;
// tests replace it.
var previewNow = time.Now

// Bounds of --count.
const (
	previewDefaultCount = 10
	previewMaxCount     = 1000
)

const previewUsage = "usage: sparkbot schedule preview --days tue,thu --at 20:00 [--tz America/New_York] [--from 2026-03-01T00:00:00Z] [--count 10] [--json]"

// previewRequest is a parsed `schedule preview` command line.
type previewRequest struct {
	rec   bot.Recurrence
	from  time.Time
	count int
	json  bool
}

// runSchedulePreview runs `sparkbot schedule preview`: it prints the next
// occurrences of a recurring schedule, under the same DST rule the bot uses
// (bot.LocalTime), and returns the exit code: 0, or 2 for a bad command line.
func runSchedulePreview(args []string, stdout, stderr io.Writer) int {
	req, err := parsePreview(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "sparkbot schedule preview: %v\n", err)
		return 2
	}
	occ := req.rec.Next(req.from, req.count)
	if req.json {
		err = writePreviewJSON(stdout, occ)
	} else {
		err = writePreviewText(stdout, occ)
	}
	if err != nil {
		fmt.Fprintf(stderr, "sparkbot schedule preview: %v\n", err)
		return 1
	}
	return 0
}

// parsePreview parses the flags. Errors are one line naming the flag, saying
// what was wrong and giving an example.
func parsePreview(args []string, stdout io.Writer) (previewRequest, error) {
	fs := flag.NewFlagSet("schedule preview", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller, on one line
	days := fs.String("days", "", "days of the week, like tue,thu or mon-fri (required)")
	at := fs.String("at", "", "local start time HH:MM, like 20:00 (required)")
	tz := fs.String("tz", bot.DefaultZone, "IANA time zone the days and time are read in")
	from := fs.String("from", "", "first instant to list from: RFC 3339 like 2026-03-01T00:00:00Z, or a date like 2026-03-01 (its 00:00 in --tz); default now")
	count := fs.String("count", strconv.Itoa(previewDefaultCount), "number of occurrences to list, 1 to "+strconv.Itoa(previewMaxCount))
	asJSON := fs.Bool("json", false, "print a JSON array instead of text")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, previewUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return previewRequest{}, err
		}
		return previewRequest{}, fmt.Errorf("%v; %s", err, previewUsage)
	}
	if fs.NArg() > 0 {
		return previewRequest{}, fmt.Errorf("unexpected argument %q; %s", fs.Arg(0), previewUsage)
	}
	req := previewRequest{json: *asJSON}
	var err error
	if req.rec, err = parsePreviewRecurrence(*days, *at, *tz); err != nil {
		return req, err
	}
	if req.from, err = parsePreviewFrom(*from, req.rec.Loc); err != nil {
		return req, err
	}
	n, err := strconv.Atoi(*count)
	if err != nil || n < 1 || n > previewMaxCount {
		return req, fmt.Errorf("--count must be a whole number from 1 to %d, like --count 10", previewMaxCount)
	}
	req.count = n
	return req, nil
}

// parsePreviewRecurrence parses --days, --at and --tz with the bot's own
// option parsers, so the CLI accepts exactly what the bot does.
func parsePreviewRecurrence(days, at, tz string) (bot.Recurrence, error) {
	if days == "" {
		return bot.Recurrence{}, errors.New("--days is required, like --days tue,thu")
	}
	if at == "" {
		return bot.Recurrence{}, errors.New("--at is required, like --at 20:00")
	}
	d, err := bot.ParseWeekdays(days)
	if err != nil {
		return bot.Recurrence{}, fmt.Errorf("--days: %s", bot.UserMessage(err))
	}
	t, err := bot.ParseTimeOfDay(at)
	if err != nil {
		return bot.Recurrence{}, fmt.Errorf("--at: %s", bot.UserMessage(err))
	}
	loc, err := bot.ParseZone(tz)
	if err != nil {
		return bot.Recurrence{}, fmt.Errorf("--tz: %s", bot.UserMessage(err))
	}
	return bot.Recurrence{Days: d, At: t, Loc: loc}, nil
}

// parsePreviewFrom parses --from: an RFC 3339 instant, a date (its 00:00 in
// loc, by bot.LocalTime), or empty for now.
func parsePreviewFrom(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return previewNow(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := bot.ParseDate(s); err == nil {
		return bot.LocalTime(d, bot.TimeOfDay{}, loc), nil
	}
	return time.Time{}, errors.New("--from must be an RFC 3339 time like 2026-03-01T00:00:00Z or a date like 2026-03-01")
}

// previewLayout renders an occurrence's local time: Tue 2026-03-03 20:00 EST (-05:00).
const previewLayout = "Mon 2006-01-02 15:04 MST (-07:00)"

// writePreviewText writes one line per occurrence: the UTC instant, two
// spaces, the local time.
func writePreviewText(w io.Writer, occ []time.Time) error {
	for _, t := range occ {
		if _, err := fmt.Fprintf(w, "%s  %s\n", t.UTC().Format(time.RFC3339), t.Format(previewLayout)); err != nil {
			return err
		}
	}
	return nil
}

// previewOccurrence is one element of the --json output.
type previewOccurrence struct {
	Start   string `json:"start"`   // UTC, RFC 3339
	Local   string `json:"local"`   // RFC 3339 with the zone's offset
	Weekday string `json:"weekday"` // local day: "tue"
	Zone    string `json:"zone"`    // abbreviation in effect: "EST"
}

// writePreviewJSON writes the occurrences as an indented JSON array.
func writePreviewJSON(w io.Writer, occ []time.Time) error {
	out := make([]previewOccurrence, 0, len(occ))
	for _, t := range occ {
		zone, _ := t.Zone()
		out = append(out, previewOccurrence{
			Start:   t.UTC().Format(time.RFC3339),
			Local:   t.Format(time.RFC3339),
			Weekday: bot.WeekdayName(t.Weekday()),
			Zone:    zone,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
