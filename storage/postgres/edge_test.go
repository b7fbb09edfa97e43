package postgres

import (
	"testing"
	"time"
)

func TestReplaysAreRefusedByEveryReplica(t *testing.T) {
	dbs := replicas(t, 2, Options{})
	a, b := dbs[0].ReplaySet(), dbs[1].ReplaySet()
	ctx := t.Context()
	until := time.Now().Add(5 * time.Minute)
	for _, step := range []struct {
		set  *ReplaySet
		key  string
		want bool
	}{
		{a, "slack:v0:1764600000:body", true},
		{b, "slack:v0:1764600000:body", false}, // the same request, on the other replica
		{a, "slack:v0:1764600000:body", false},
		{b, "slack:v0:1764600001:body", true},
	} {
		got, err := step.set.FirstSeen(ctx, step.key, until)
		must(t, err)
		if got != step.want {
			t.Fatalf("FirstSeen(%q) = %t, want %t", step.key, got, step.want)
		}
	}
	// A window already over is still kept a moment: an instant replay is refused.
	first, err := a.FirstSeen(ctx, "late", time.Now().Add(-time.Hour))
	must(t, err)
	again, err := b.FirstSeen(ctx, "late", time.Now().Add(-time.Hour))
	must(t, err)
	if !first || again {
		t.Fatalf("a request past its window: first %t, again %t; want true, false", first, again)
	}
	// Once its window has passed, a key is new again.
	_, err = dbs[0].pool.Exec(ctx, `UPDATE replays SET until = clock_timestamp() - interval '1 second'`)
	must(t, err)
	got, err := b.FirstSeen(ctx, "slack:v0:1764600000:body", until)
	must(t, err)
	if !got {
		t.Fatal("a key whose window passed is still refused")
	}
}

func TestLimiterIsSharedByTheReplicas(t *testing.T) {
	dbs := replicas(t, 2, Options{})
	a, b := dbs[0].Limiter(3), dbs[1].Limiter(3)
	for i, l := range []*Limiter{a, b, a} {
		if !l.Allow("slack:T1/U1") {
			t.Fatalf("command %d of 3 refused", i+1)
		}
	}
	if b.Allow("slack:T1/U1") {
		t.Fatal("the 4th command in a minute, on the other replica, was allowed")
	}
	if !b.Allow("slack:T1/U2") {
		t.Fatal("another user was limited by the first one's commands")
	}
	// 20 s later (a minute / 3) one token is back, and only one.
	_, err := dbs[0].pool.Exec(t.Context(), `UPDATE rate_buckets SET at = at - interval '20 seconds' WHERE key = 'slack:T1/U1'`)
	must(t, err)
	if !a.Allow("slack:T1/U1") || b.Allow("slack:T1/U1") {
		t.Fatal("after 20 s, want exactly one more command allowed")
	}
	var off *Limiter = dbs[0].Limiter(0)
	if off != nil || off.PerMinute() != 0 || !off.Allow("x") {
		t.Fatal("Limiter(0) is not the no-limit nil")
	}
}
