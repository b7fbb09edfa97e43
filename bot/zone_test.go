package bot_test

import (
	"context"
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestParseZone: a zone must be a place's, so it follows daylight saving;
// names match in any case and come back canonical.
func TestParseZone(t *testing.T) {
	tests := []struct {
		typed string
		want  string // the canonical name, or "" when refused
		why   string // part of the refusal
	}{
		{typed: "America/Chicago", want: "America/Chicago"},
		{typed: "america/chicago", want: "America/Chicago"},
		{typed: " AMERICA/NEW_YORK ", want: "America/New_York"},
		{typed: "US/Pacific", want: "America/Los_Angeles"},
		{typed: "us/eastern", want: "America/New_York"},
		{typed: "Asia/Calcutta", want: "Asia/Kolkata"},
		{typed: "GB", want: "Europe/London"},
		{typed: "America/Argentina/Buenos_Aires", want: "America/Argentina/Buenos_Aires"},
		{typed: "America/Port-au-Prince", want: "America/Port-au-Prince"},
		{typed: "America/Phoenix", want: "America/Phoenix"}, // a place without DST is a place
		{typed: "UTC", want: "UTC"},
		{typed: "utc", want: "UTC"},
		{typed: "Etc/UTC", want: "UTC"},
		{typed: "Zulu", want: "UTC"},

		{typed: "EST", why: "EST never changes for daylight saving; did you mean America/New_York?"},
		{typed: "est", why: "est never changes for daylight saving; did you mean America/New_York?"},
		{typed: "MST", why: "did you mean America/Denver, or America/Phoenix for Arizona?"},
		{typed: "HST", why: "HST never changes for daylight saving; did you mean Pacific/Honolulu?"},
		{typed: "PST", why: "did you mean America/Los_Angeles?"},
		{typed: "EST5EDT", why: "EST5EDT is an old rule, not a place; did you mean America/New_York?"},
		{typed: "CST6CDT", why: "did you mean America/Chicago?"},
		{typed: "CET", why: "CET is an old rule, not a place; did you mean Europe/Paris?"},
		{typed: "Etc/GMT+5", why: "Etc/GMT+5 (UTC-05:00) never changes for daylight saving; did you mean America/New_York?"},
		{typed: "etc/gmt-1", why: "(UTC+01:00) never changes for daylight saving; did you mean Europe/Paris?"},
		{typed: "GMT", why: "GMT (UTC+00:00) never changes for daylight saving; did you mean Europe/London? For UTC itself, say UTC."},
		{typed: "+05:00", why: "+05:00 never changes for daylight saving; did you mean Asia/Karachi?"},
		{typed: "-0500", why: "did you mean America/New_York?"},
		{typed: "UTC-5", why: "UTC-5 never changes for daylight saving; did you mean America/New_York?"},
		{typed: "UTC+05:30", why: "did you mean Asia/Kolkata?"},
		{typed: "+13:00", why: "+13:00 never changes for daylight saving; use a place's zone, like America/Chicago."},

		{typed: "Mars/Olympus", why: "unknown time zone; use an IANA name like America/Chicago"},
		{typed: "Local", why: "unknown time zone"},
		{typed: "localtime", why: "unknown time zone"},
		{typed: "Factory", why: "unknown time zone"},
		{typed: "../../etc/passwd", why: "unknown time zone"},
		{typed: "+15:00", why: "unknown time zone"},
		{typed: "", why: "unknown time zone"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			loc, err := bot.ParseZone(tt.typed)
			switch {
			case tt.want != "" && err != nil:
				t.Fatalf("ParseZone(%q): %v", tt.typed, err)
			case tt.want != "" && loc.String() != tt.want:
				t.Errorf("ParseZone(%q) = %s, want %s", tt.typed, loc, tt.want)
			case tt.want == "" && err == nil:
				t.Errorf("ParseZone(%q) = %s, want a refusal", tt.typed, loc)
			case tt.want == "" && (!strings.Contains(err.Error(), tt.why) || bot.KindOf(err) != bot.KindInvalid):
				t.Errorf("ParseZone(%q): %v (%v)\nwant an invalid error containing %q", tt.typed, err, bot.KindOf(err), tt.why)
			}
		})
	}
}

// TestZoneEverywhere: every option that takes a zone refuses the same
// names and stores the canonical one.
func TestZoneEverywhere(t *testing.T) {
	h := newHarness(t, "2026-11-25T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30 tz:EST`, "tz:EST — EST never changes for daylight saving; did you mean America/New_York?")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30 tz:us/central`, "weeks start Monday 00:00 America/Chicago")
	h.must("boss", true, `/cohort settings tz:CET`, "did you mean Europe/Paris?")
	h.must("boss", true, `/cohort settings tz:america/new_york`, "weeks start Monday 00:00 America/New_York")
	h.must("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")

	h.must("alice", false, "/spaces timezone tz:Etc/GMT+5", "did you mean America/New_York?")
	h.must("alice", false, "/spaces timezone tz:us/pacific", "Saved: your time zone is America/Los_Angeles")
	h.must("alice", false, `/spaces schedule add title:"Owls" days:tue time:20:00 tz:+01:00`, "did you mean Europe/Paris?")
	h.must("alice", false, `/spaces schedule add title:"Owls" days:tue time:20:00 tz:europe/paris`, "tue at 20:00 Europe/Paris")

	host, err := h.store.Host(context.Background(), h.ws, "alice")
	if err != nil || host.Zone != "America/Los_Angeles" {
		t.Errorf("stored zone %q (%v), want America/Los_Angeles", host.Zone, err)
	}
	list, err := h.store.SchedulesOf(context.Background(), h.ws, "alice")
	if err != nil || len(list) != 1 || list[0].Zone != "Europe/Paris" {
		t.Errorf("stored schedules %+v (%v), want one in Europe/Paris", list, err)
	}
}

// TestTimezoneShown: /spaces timezone alone says which zone is in use and
// where it comes from.
func TestTimezoneShown(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, "/spaces timezone", "Your time zone is America/New_York, the cohort's (it's 09:00 there now). Set yours with /spaces timezone tz:America/Chicago.")
	h.must("alice", false, "/spaces timezone tz:America/Chicago", "Saved")
	h.must("alice", false, "/spaces timezone", "Your time zone is America/Chicago (it's 08:00 there now).")
	req := bot.Request{Workspace: h.ws, UserID: "bob", UserName: "bob", UserZone: "Europe/London", Path: []string{"spaces", "timezone"}}
	got := render(h.router.Handle(context.Background(), req).Message, h.clock.Now())
	mustContain(t, got, "Your time zone is Europe/London, from your profile")
}

func TestSuggestZones(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	req := bot.Request{Workspace: h.ws, UserID: "alice", Path: []string{"spaces", "timezone"}}
	tests := []struct {
		typed string
		want  string // among the suggestions
		not   string // never among them
	}{
		{"chic", "America/Chicago", ""},
		{"us/pacific", "America/Los_Angeles", ""},
		{"kolk", "Asia/Kolkata", ""},
		{"indiana", "America/Indiana/Indianapolis", ""},
		{"est", "America/Creston", "EST"},
		{"gmt", "", "Etc/GMT+5"},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range h.router.Suggest(context.Background(), req, "tz", tt.typed) {
			got = append(got, s.Value)
		}
		joined := "," + strings.Join(got, ",") + ","
		if tt.want != "" && !strings.Contains(joined, ","+tt.want+",") {
			t.Errorf("typing %q suggests %v, want %s among them", tt.typed, got, tt.want)
		}
		if tt.not != "" && strings.Contains(joined, ","+tt.not+",") {
			t.Errorf("typing %q suggests %v, want no %s", tt.typed, got, tt.not)
		}
	}
}
