package bot_test

import (
	"strings"
	"testing"

	"sparkbot/bot"
)

// TestAnnounceSendExample: a missing option is answered with an example
// that works as written, on every platform's syntax (Discord has no bare
// /announce, so the example names /announce send).
func TestAnnounceSendExample(t *testing.T) {
	h := newHarness(t, "2026-11-30T14:00:00Z").withCohort("2026-11-30", "alice")
	example := bot.Lookup([]string{"announce", "send"}).Example
	if !strings.HasPrefix(example, "/announce send ") {
		t.Errorf("example %q does not name /announce send", example)
	}
	for _, line := range []string{"/announce send", "/announce send channel:#news", "/announce channel:#news"} {
		if got, want := h.do("boss", true, line), "text is required — like "+example; got != want {
			t.Errorf("%s:\n got %q\nwant %q", line, got, want)
		}
	}
	h.must("boss", true, example, "Announcement #1 is on its way to #news.")
}

func TestAnnounceSendRefusals(t *testing.T) {
	h := newHarness(t, "2026-11-30T14:00:00Z").withCohort("2026-11-30", "alice")
	for _, tc := range []struct{ line, want string }{
		{`/announce text:hi`, "Say where: channel:#news, or to:hosts to DM every host."},
		{`/announce send text:hi to:hosts channel:#news`, "channel: does not go with to:hosts"},
		{`/announce send text:hi to:hosts ping:here`, "ping: does not go with to:hosts"},
	} {
		if got := h.do("boss", true, tc.line); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant it to contain %q", tc.line, got, tc.want)
		}
	}
	h.must("boss", true, "/announce list", "None.")
}

// TestAnnounceListShowsOptions: each scheduled announcement reads with
// where it goes and whom it pings.
func TestAnnounceListShowsOptions(t *testing.T) {
	h := newHarness(t, "2026-11-30T14:00:00Z").withCohort("2026-11-30", "alice")
	h.must("boss", true, `/announce send text:"Office hours" channel:#news at:"2026-12-01 10:00"`, "#1 will go to #news")
	h.must("boss", true, `/announce send text:"Demo day" channel:#news at:"2026-12-02 10:00" ping:here`, "#2")
	h.must("boss", true, `/announce send text:"Hi all" to:hosts at:"2026-12-03 10:00"`, "#3 will go to every host")
	h.must("boss", true, `/announce send text:"Design" channel:#design at:"2026-12-04 10:00" ping:role:@design-team`, "#4")
	got := h.do("boss", true, "/announce list")
	for _, want := range []string{
		"#1 at Tue 1 Dec 10:00 EST — channel:#news ping:none: Office hours",
		"#2 at Wed 2 Dec 10:00 EST — channel:#news ping:here: Demo day",
		"#3 at Thu 3 Dec 10:00 EST — to:hosts (a DM to every host): Hi all",
		"#4 at Fri 4 Dec 10:00 EST — channel:#design ping:role:design-team: Design",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/announce list:\n%s\nwant a line %q", got, want)
		}
	}
}
