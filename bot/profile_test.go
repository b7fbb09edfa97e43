package bot_test

import (
	"context"
	"strings"
	"testing"

	"sparkbot/bot"
)

// The platform profile (Request.Profile: Slack's users.info, a round trip
// and a share of a tight rate limit) is asked for only when a command
// needs it. /spaces log and /spaces status read the host's record and ask
// only for a staff decision or a host with no zone on record; every other
// command gets the profile before it runs.
func TestProfileIsAskedOnlyWhenNeeded(t *testing.T) {
	for _, tc := range []struct {
		name    string
		user    string
		staff   bool // what the adapter knew without asking (staff ids from settings)
		profile bot.Profile
		line    string
		want    string
		asks    int
		kept    string // bob's zone on record after (alice's stays America/Los_Angeles)
	}{
		{"a host logs, their zone on record", "alice", false, bot.Profile{Zone: "Europe/Paris"},
			"/spaces log url:1eaKbrPAqbwKX", "started Tue 1 Dec 06:00 PST", 0, ""},
		{"a host's status, their zone on record", "alice", false, bot.Profile{Zone: "Europe/Paris"},
			"/spaces status", "This week: 0 of 2", 0, ""},
		{"a host's status, no zone on record", "bob", false, bot.Profile{Zone: "Europe/Paris"},
			"/spaces status", "This week: 0 of 2", 1, "Europe/Paris"},
		{"a host backfills past the window", "alice", false, bot.Profile{},
			`/spaces log url:1eaKbrPAqbwKX at:"2026-11-20 20:00"`, "hosts can log the last 7 days only", 1, ""},
		{"a workspace admin, not a host, logs", "carol", false, bot.Profile{Staff: true},
			"/spaces log url:1eaKbrPAqbwKX", "You're program staff, not a host", 1, ""},
		{"a workspace admin logs for a host", "carol", false, bot.Profile{Staff: true},
			"/spaces log url:1eaKbrPAqbwKX user:@alice", "Logged Space 1eaKbrPAqbwKX", 1, ""},
		{"a member who is no admin logs for a host", "bob", false, bot.Profile{},
			"/spaces log url:1eaKbrPAqbwKX user:@alice", "Only staff may log a Space for another host", 1, ""},
		{"staff from settings log for a host", "boss", true, bot.Profile{Zone: "Europe/Paris"},
			"/spaces log url:1eaKbrPAqbwKX user:@alice", "started Tue 1 Dec 06:00 PST", 0, ""},
		// bob has no zone on record: his at: reads in the cohort's zone,
		// never in the caller's profile zone.
		{"staff from settings log for a host with no zone on record", "boss", true, bot.Profile{Zone: "Europe/Paris"},
			`/spaces log url:1eaKbrPAqbwKX user:@bob at:"2026-12-01 08:00"`, "started Tue 1 Dec 08:00 EST", 0, ""},
		{"a host runs another command", "alice", false, bot.Profile{},
			"/spaces history", "Your past weeks", 1, ""},
		{"a host with no zone on record runs another command", "bob", false, bot.Profile{Zone: "Europe/Paris"},
			"/spaces history", "Your past weeks", 1, "Europe/Paris"},
		{"a workspace admin runs a staff command", "carol", false, bot.Profile{Staff: true},
			"/cohort applications", "No pending applications", 1, ""},
		{"a host runs a staff command", "alice", false, bot.Profile{},
			"/cohort applications", "for program staff only", 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "2026-12-01T09:00:00-05:00").withCohort("2026-11-30", "alice", "bob")
			host, err := h.store.Host(context.Background(), h.ws, "alice")
			if err != nil {
				t.Fatal(err)
			}
			host.PlatformZone = "America/Los_Angeles"
			if err := h.store.PutHost(context.Background(), h.ws, host); err != nil {
				t.Fatal(err)
			}
			path, opts, err := bot.ParseCommandLine(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			asks := 0
			resp := h.router.Handle(context.Background(), bot.Request{
				Workspace: h.ws, UserID: tc.user, Staff: tc.staff, Path: path, Options: opts,
				Profile: func(context.Context) bot.Profile { asks++; return tc.profile },
			})
			if got := render(resp.Message, h.clock.Now()); !strings.Contains(got, tc.want) {
				t.Errorf("%s as %s:\n got %q\nwant it to contain %q", tc.line, tc.user, got, tc.want)
			}
			if asks != tc.asks {
				t.Errorf("the profile was asked for %d times, want %d", asks, tc.asks)
			}
			for user, want := range map[string]string{"alice": "America/Los_Angeles", "bob": tc.kept} {
				if host, err := h.store.Host(context.Background(), h.ws, user); err != nil || host.PlatformZone != want {
					t.Errorf("%s's zone on record is %q (%v), want %q", user, host.PlatformZone, err, want)
				}
			}
		})
	}
}

// A button click gets the profile before it runs: a workspace admin whom
// the settings do not name staff approves a log from /cohort review.
func TestButtonClickAsksForTheProfile(t *testing.T) {
	h := newHarness(t, "2026-12-03T12:00:00-05:00").withCohort("2026-11-30", "alice")
	h.must("alice", false, `/spaces log url:1pasted at:"2026-12-02 21:00"`, "Logged")
	review := h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: "boss", Staff: true, Path: []string{"cohort", "review"}})
	if len(review.Buttons) != 1 {
		t.Fatalf("/cohort review has buttons %+v, want one for 1pasted", review.Buttons)
	}
	asks := 0
	click := h.router.Handle(context.Background(), bot.Request{Workspace: h.ws, UserID: "carol",
		Action:  &bot.Action{ID: review.Buttons[0].ActionID, Value: review.Buttons[0].Value},
		Profile: func(context.Context) bot.Profile { asks++; return bot.Profile{Staff: true} },
	})
	if got := render(click.Message, h.clock.Now()); !strings.Contains(got, "Approved Space 1pasted") {
		t.Errorf("a workspace admin's approve click: %q", got)
	}
	if asks != 1 {
		t.Errorf("the profile was asked for %d times, want 1", asks)
	}
}
