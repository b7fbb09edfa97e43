package storetest

import (
	"testing"
	"time"

	"sparkbot/bot"
)

var xlinkTests = []contractTest{
	{"missing is ErrNotFound, deleting it is not an error", func(t *testing.T, s bot.Store) {
		_, err := s.XLink(t.Context(), wsA, "u1")
		wantErrIs(t, err, bot.ErrNotFound)
		must(t, s.DeleteXLink(t.Context(), wsA, "u1"))
	}},
	{"round trip keeps every field; put replaces", func(t *testing.T, s bot.Store) {
		want := fullXLink("u1")
		must(t, s.PutXLink(t.Context(), wsA, bot.XLink{UserID: "u1", Handle: "old"}))
		must(t, s.PutXLink(t.Context(), wsA, want))
		got, err := s.XLink(t.Context(), wsA, "u1")
		must(t, err)
		wantEqual(t, got, want)
	}},
	{"list is by UserID, delete removes", func(t *testing.T, s bot.Store) {
		for _, id := range []string{"u3", "u1", "u2"} {
			must(t, s.PutXLink(t.Context(), wsA, bot.XLink{UserID: id, Handle: id + "_x"}))
		}
		must(t, s.DeleteXLink(t.Context(), wsA, "u2"))
		links, err := s.XLinks(t.Context(), wsA)
		must(t, err)
		var ids []string
		for _, l := range links {
			ids = append(ids, l.UserID)
		}
		wantEqual(t, ids, []string{"u1", "u3"})
	}},
	{"workspaces are apart", func(t *testing.T, s bot.Store) {
		must(t, s.PutXLink(t.Context(), wsA, fullXLink("u1")))
		links, err := s.XLinks(t.Context(), wsB)
		must(t, err)
		wantEqual(t, len(links), 0)
		_, err = s.XLink(t.Context(), wsB, "u1")
		wantErrIs(t, err, bot.ErrNotFound)
	}},
}

func fullXLink(userID string) bot.XLink {
	return bot.XLink{
		UserID: userID, Handle: "Alice_X", XID: "1001", Resolved: day0.Add(time.Minute),
		Missing: true, CheckedAt: day0.Add(2 * time.Minute), Told: true, LastLive: day0.Add(time.Hour),
		LinkedBy: "boss", LinkedAt: day0,
	}
}
