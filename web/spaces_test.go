package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

// TestSpacesPageCountsAsTheLeaderboard: the Spaces page lists the Spaces
// that count, by the rules /spaces leaderboard tallies: one Space counts
// once (two logs of one Space stored before the overlap rule are one), and
// a Space counts only if its host was a member when they hosted it.
func TestSpacesPageCountsAsTheLeaderboard(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, "2026-11-25T09:00:00-05:00")
	s.do("boss", true, `/cohort create name:"Spark Phase 1" start:2026-11-30`, "Created")
	s.do("boss", true, "/cohort add user:@bob handle:@bob_x", "Added")
	s.clock.Set(mustTime(t, "2026-12-09T12:00:00-05:00"))
	s.do("boss", true, "/cohort add user:@alice handle:@alice_x", "Added")
	// alice hosted this the week before she joined: it is hers, but it
	// does not count for the cohort.
	s.do("alice", false, `/spaces log url:1Q1 at:"2026-12-03 20:00" listeners:70`, "Logged")
	// bob's two logs of one Space, ten minutes apart, stored before the
	// overlap rule refused such a log: they count once.
	for _, l := range []bot.SpaceLog{
		{SpaceID: "1B1", Start: mustTime(t, "2026-12-08T19:00:00-05:00"), Listeners: 20},
		{SpaceID: "1B2", Start: mustTime(t, "2026-12-08T19:10:00-05:00"), Listeners: 25},
	} {
		l.UserID, l.Minutes, l.Provenance, l.LoggedAt = "bob", 60, bot.LinkNotVerified, l.Start.Add(2*time.Hour)
		if err := s.db.AddLog(ctx, s.ws, l); err != nil {
			t.Fatal(err)
		}
	}
	board := s.do("bob", false, "/spaces leaderboard", "This week")
	if !strings.Contains(board, "1. @bob — 1 Space, 20 listeners") || strings.Contains(board, "@alice") {
		t.Fatalf("the leaderboard is not what this test expects:\n%s", board)
	}

	p := s.staffBrowser().get("/dashboard/spaces")
	all := p.body[strings.Index(p.body, `id="all"`):]
	if !strings.Contains(all, "Every Space that counts (1)") || !strings.Contains(all, "1B1") {
		t.Errorf("the page does not list bob's one Space as the leaderboard counts it:\n%s", all)
	}
	for _, id := range []string{"1B2", "1Q1"} {
		if strings.Contains(p.body, id) {
			t.Errorf("the page lists %s, which the leaderboard does not count", id)
		}
	}
	top := p.body[strings.Index(p.body, `id="top"`):strings.Index(p.body, `id="all"`)]
	if strings.Contains(top, "1B2") || !strings.Contains(top, "1B1") {
		t.Errorf("the week's top Spaces are not the counted ones:\n%s", top)
	}
}
