package storetest

import (
	"testing"
	"time"

	"sparkbot/bot"
)

var reviewTests = []contractTest{
	{"missing is ErrNotFound", func(t *testing.T, s bot.Store) {
		_, err := s.Review(t.Context(), wsA, "s1")
		wantErrIs(t, err, bot.ErrNotFound)
	}},
	{"round trip keeps every field, the rejected log whole", func(t *testing.T, s bot.Store) {
		want := bot.Review{SpaceID: "s1", UserID: "u1", Decision: bot.ReviewRejected, Reason: "a test Space",
			By: "boss", At: day0.Add(time.Hour), Log: fullLog("s1", "u1", day0)}
		must(t, s.PutReview(t.Context(), wsA, want))
		got, err := s.Review(t.Context(), wsA, "s1")
		must(t, err)
		wantEqual(t, got, want)
		approved := bot.Review{SpaceID: "s2", UserID: "u1", Decision: bot.ReviewApproved, By: "boss", At: day0}
		must(t, s.PutReview(t.Context(), wsA, approved))
		got, err = s.Review(t.Context(), wsA, "s2")
		must(t, err)
		wantEqual(t, got, approved)
	}},
	{"reviews of some ids, in the order asked; workspaces apart", func(t *testing.T, s bot.Store) {
		for _, id := range []string{"s1", "s2", "s3"} {
			must(t, s.PutReview(t.Context(), wsA, bot.Review{SpaceID: id, Decision: bot.ReviewApproved}))
		}
		got, err := s.ReviewsOf(t.Context(), wsA, []string{"s3", "nope", "s1"})
		must(t, err)
		var ids []string
		for _, rv := range got {
			ids = append(ids, rv.SpaceID)
		}
		wantEqual(t, ids, []string{"s3", "s1"})
		got, err = s.ReviewsOf(t.Context(), wsB, []string{"s1"})
		must(t, err)
		wantEqual(t, len(got), 0)
	}},
}
