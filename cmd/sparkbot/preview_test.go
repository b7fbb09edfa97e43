package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// runPreview runs `schedule preview` with args and a clock stopped at now.
func runPreview(t *testing.T, now time.Time, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	saved := previewNow
	previewNow = func() time.Time { return now }
	t.Cleanup(func() { previewNow = saved })
	var out, errOut bytes.Buffer
	code = runSchedulePreview(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestSchedulePreviewText(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "tue thu evenings across spring forward",
			args: []string{"--days", "tue,thu", "--at", "20:00", "--tz", "America/New_York", "--from", "2026-03-01T00:00:00Z", "--count", "4"},
			want: `2026-03-04T01:00:00Z  Tue 2026-03-03 20:00 EST (-05:00)
2026-03-06T01:00:00Z  Thu 2026-03-05 20:00 EST (-05:00)
2026-03-11T00:00:00Z  Tue 2026-03-10 20:00 EDT (-04:00)
2026-03-13T00:00:00Z  Thu 2026-03-12 20:00 EDT (-04:00)
`,
		},
		{
			name: "sunday 02:30 moves forward to 03:30 on 2026-03-08",
			args: []string{"--days", "sun", "--at", "02:30", "--tz", "America/New_York", "--from", "2026-03-01T00:00:00Z", "--count", "3"},
			want: `2026-03-01T07:30:00Z  Sun 2026-03-01 02:30 EST (-05:00)
2026-03-08T07:30:00Z  Sun 2026-03-08 03:30 EDT (-04:00)
2026-03-15T06:30:00Z  Sun 2026-03-15 02:30 EDT (-04:00)
`,
		},
		{
			name: "daily 01:30 happens once on 2026-11-01",
			args: []string{"--days", "daily", "--at", "1:30", "--tz", "America/New_York", "--from", "2026-10-31", "--count", "3"},
			want: `2026-10-31T05:30:00Z  Sat 2026-10-31 01:30 EDT (-04:00)
2026-11-01T05:30:00Z  Sun 2026-11-01 01:30 EDT (-04:00)
2026-11-02T06:30:00Z  Mon 2026-11-02 01:30 EST (-05:00)
`,
		},
		{
			name: "from defaults to now and count to 10, tz to New York",
			args: []string{"--days", "mon-fri", "--at", "09:00"},
			want: `2026-03-02T14:00:00Z  Mon 2026-03-02 09:00 EST (-05:00)
2026-03-03T14:00:00Z  Tue 2026-03-03 09:00 EST (-05:00)
2026-03-04T14:00:00Z  Wed 2026-03-04 09:00 EST (-05:00)
2026-03-05T14:00:00Z  Thu 2026-03-05 09:00 EST (-05:00)
2026-03-06T14:00:00Z  Fri 2026-03-06 09:00 EST (-05:00)
2026-03-09T13:00:00Z  Mon 2026-03-09 09:00 EDT (-04:00)
2026-03-10T13:00:00Z  Tue 2026-03-10 09:00 EDT (-04:00)
2026-03-11T13:00:00Z  Wed 2026-03-11 09:00 EDT (-04:00)
2026-03-12T13:00:00Z  Thu 2026-03-12 09:00 EDT (-04:00)
2026-03-13T13:00:00Z  Fri 2026-03-13 09:00 EDT (-04:00)
`,
		},
		{
			name: "an occurrence exactly at from is listed",
			args: []string{"--days", "tue", "--at", "20:00", "--from", "2026-03-04T01:00:00Z", "--count", "1"},
			want: "2026-03-04T01:00:00Z  Tue 2026-03-03 20:00 EST (-05:00)\n",
		},
		{
			name: "half-hour gap in Lord Howe",
			args: []string{"--days=sun", "--at=02:15", "--tz=Australia/Lord_Howe", "--from=2026-10-01", "--count=1"},
			want: "2026-10-03T15:45:00Z  Sun 2026-10-04 02:45 +11 (+11:00)\n",
		},
	}
	now := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stderr, code := runPreview(t, now, tt.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			if got != tt.want {
				t.Errorf("output:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestSchedulePreviewJSON(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []previewOccurrence
	}{
		{
			name: "sunday 02:30 across spring forward",
			args: []string{"--days", "sun", "--at", "02:30", "--tz", "America/New_York", "--from", "2026-03-08T00:00:00Z", "--count", "2", "--json"},
			want: []previewOccurrence{
				{Start: "2026-03-08T07:30:00Z", Local: "2026-03-08T03:30:00-04:00", Weekday: "sun", Zone: "EDT"},
				{Start: "2026-03-15T06:30:00Z", Local: "2026-03-15T02:30:00-04:00", Weekday: "sun", Zone: "EDT"},
			},
		},
		{
			name: "sunday 01:30 once across fall back",
			args: []string{"--json", "--days", "sun", "--at", "01:30", "--tz", "America/New_York", "--from", "2026-11-01T00:00:00Z", "--count", "2"},
			want: []previewOccurrence{
				{Start: "2026-11-01T05:30:00Z", Local: "2026-11-01T01:30:00-04:00", Weekday: "sun", Zone: "EDT"},
				{Start: "2026-11-08T06:30:00Z", Local: "2026-11-08T01:30:00-05:00", Weekday: "sun", Zone: "EST"},
			},
		},
		{
			name: "from after the first instance skips the repeat",
			args: []string{"--json", "--days", "sun", "--at", "01:30", "--from", "2026-11-01T05:30:01Z", "--count", "1"},
			want: []previewOccurrence{
				{Start: "2026-11-08T06:30:00Z", Local: "2026-11-08T01:30:00-05:00", Weekday: "sun", Zone: "EST"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runPreview(t, time.Time{}, tt.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			var got []previewOccurrence
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output is not a JSON array: %v\n%s", err, out)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d occurrences, want %d:\n%s", len(got), len(tt.want), out)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("occurrence %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestSchedulePreviewJSONShape(t *testing.T) {
	out, _, code := runPreview(t, time.Time{}, "--days", "tue", "--at", "20:00", "--from", "2026-03-01T00:00:00Z", "--count", "1", "--json")
	want := `[
  {
    "start": "2026-03-04T01:00:00Z",
    "local": "2026-03-03T20:00:00-05:00",
    "weekday": "tue",
    "zone": "EST"
  }
]
`
	if code != 0 || out != want {
		t.Errorf("exit %d, output:\n%s\nwant exit 0 and:\n%s", code, out, want)
	}
}

func TestSchedulePreviewBadFlags(t *testing.T) {
	ok := []string{"--days", "tue,thu", "--at", "20:00", "--tz", "America/New_York"}
	with := func(extra ...string) []string { return append(append([]string{}, ok...), extra...) }
	tests := []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"no days", []string{"--at", "20:00"}, "--days is required, like --days tue,thu"},
		{"no time", []string{"--days", "tue"}, "--at is required, like --at 20:00"},
		{"bad time", []string{"--days", "tue", "--at", "25:00"}, "--at: 25:00 — time must be HH:MM"},
		{"time without minutes", []string{"--days", "tue", "--at", "8pm"}, "like 20:00"},
		{"bad days", []string{"--days", "someday", "--at", "20:00"}, "--days: someday — days must be weekdays like tue,thu"},
		{"bad zone", with("--tz", "Mars/Olympus"), "--tz: Mars/Olympus — unknown time zone; use an IANA name like America/Chicago"},
		{"server zone", with("--tz", "Local"), "--tz: Local — unknown time zone"},
		{"bad from", with("--from", "yesterday"), "--from must be an RFC 3339 time like 2026-03-01T00:00:00Z or a date like 2026-03-01"},
		{"zero count", with("--count", "0"), "--count must be a whole number from 1 to 1000, like --count 10"},
		{"huge count", with("--count", "1001"), "--count must be a whole number from 1 to 1000"},
		{"word count", with("--count", "ten"), "--count must be a whole number"},
		{"unknown flag", with("--every", "week"), "flag provided but not defined: -every; usage: sparkbot schedule preview --days tue,thu --at 20:00"},
		{"missing value", []string{"--days", "tue", "--at"}, "flag needs an argument: -at; usage:"},
		{"stray argument", with("soon"), `unexpected argument "soon"; usage:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runPreview(t, time.Time{}, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q, want it to contain %q", stderr, tt.want)
			}
			if !strings.HasPrefix(stderr, "sparkbot schedule preview: ") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting with the command name", stderr)
			}
		})
	}
}

func TestSchedulePreviewHelp(t *testing.T) {
	out, stderr, code := runPreview(t, time.Time{}, "-h")
	if code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	for _, want := range []string{"usage: sparkbot schedule preview", "-days", "-count"} {
		if !strings.Contains(out, want) {
			t.Errorf("help %q lacks %q", out, want)
		}
	}
}
