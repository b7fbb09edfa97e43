package xsource_test

import (
	"fmt"
	"testing"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// BenchmarkPollRound is one watch round at 2,000 linked hosts, 50 of them
// live, through the real client against the fake X on 127.0.0.1: 20
// by/creator_ids requests of 100 ids (the round's whole share of X's
// window), the live Spaces' records written; with the hosts, links and
// schedules as last loaded (most rounds), or read again from the store
// (a round after a change, or every 15 minutes).
// X's pacing runs on a fake wall clock, so the time is sparkbot's and the
// fake's, not X's one-request-a-second.
func BenchmarkPollRound(b *testing.B) {
	w := newWorld(b, "2026-12-01T12:00:00-05:00")
	w.noSync = true
	w.restart()
	w.must("boss", true, `/cohort create name:"Spark Phase 1" start:2026-12-01 weekstart:tue`, "Created")
	ids := w.addHosts(2000)
	for i := 0; i < 50; i++ {
		w.x.AddSpace(fakex.Space{ID: fmt.Sprintf("1live%04d", i), State: "live", CreatorID: ids[i*40],
			StartedAt: w.clock.Now(), ParticipantCount: 10 + i})
	}
	round := func() {
		w.clock.Advance(time.Minute)
		w.sync()
		w.watch.Round(w.ctx)
	}
	round() // the first load, and the Spaces seen live once
	for _, bb := range []struct {
		name   string
		reload bool
	}{{"hosts cached", false}, {"hosts read again", true}} {
		b.Run(bb.name, func(b *testing.B) {
			before := w.x.Stats(xapi.EndpointSpacesByCreators).Requests
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				w.x.SetParticipants(fmt.Sprintf("1live%04d", i%50), 100+i) // a peak moves
				if bb.reload {
					w.watch.Stale()
				}
				round()
			}
			b.StopTimer()
			b.ReportMetric(float64(w.x.Stats(xapi.EndpointSpacesByCreators).Requests-before)/float64(b.N), "requests/op")
		})
	}
	if st := w.x.Stats(xapi.EndpointSpacesByCreators); st.Limited > 0 {
		b.Fatalf("%d requests answered 429", st.Limited)
	}
}
