package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
	"sparkbot/storage/postgres"
	"sparkbot/storage/postgres/pgtest"
	"sparkbot/web"
)

// On PostgreSQL the Discord gateway runs on one replica at a time, and the
// others report ready for it; when the holder stops, another takes it.
func TestTheDiscordGatewayRunsOnOneReplica(t *testing.T) {
	url := pgtest.Schema(t)
	running := make(chan int, 4) // which replica's gateway started
	var stops []context.CancelFunc
	var wg sync.WaitGroup
	platforms := make([]*platform, 2)
	for i := range platforms {
		db, err := postgres.OpenWith(t.Context(), pgtest.Named(t, url, fmt.Sprintf("replica-%d", i)), postgres.Options{LeaderPoll: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		platforms[i] = &platform{name: bot.Discord,
			run:   func(ctx context.Context) error { running <- i; <-ctx.Done(); return nil },
			ready: func() error { return errors.New("not connected to the Discord gateway") }}
		shareRoles(db, databaseConfig{}, platforms[i:i+1], func(string) string { return "" })
		ctx, stop := context.WithCancel(context.Background())
		stops = append(stops, stop)
		wg.Go(func() { platforms[i].run(ctx) })
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
		wg.Wait()
	}()
	first := waitForValue(t, running, "a gateway to start")
	other := 1 - first
	if err := platforms[other].ready(); err != nil {
		t.Errorf("the replica without the gateway is not ready: %v", err)
	}
	if err := platforms[first].ready(); err == nil {
		t.Error("the gateway's replica reports ready while its gateway is not connected")
	}
	pgtest.AwaitLockTries(t, url, fmt.Sprintf("replica-%d", other), 3) // the other keeps trying, in vain
	select {
	case i := <-running:
		t.Fatalf("replica %d started a second gateway while %d holds it", i, first)
	default:
	}
	stops[first]()
	if got := waitForValue(t, running, "the other replica to take the gateway"); got != other {
		t.Fatalf("replica %d took the gateway, want %d", got, other)
	}
}

func waitForValue[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("waited 30s for %s", what)
		panic("unreachable")
	}
}

// On PostgreSQL the replica holding the Discord gateway loses it whenever
// its role connection breaks (a database failover, a network blip) and
// takes it again: the real adapter serves the gateway through both terms,
// and every replica answers the interactions endpoint, whether it holds
// the gateway or not.
func TestTheDiscordGatewayThroughTwoTerms(t *testing.T) {
	dbURL := pgtest.Schema(t)
	fake, key, env := discordEnv(t)
	env["SPARKBOT_LEADER_POLL"] = "20ms"
	replica := func(name string) *running {
		vars := maps.Clone(env)
		vars["SPARKBOT_DATABASE_URL"] = pgtest.Named(t, dbURL, name) // its sessions, in pg_stat_activity
		return startApp(t, vars)
	}
	holder := replica("sparkbot-holder")
	fake.AwaitIdentifies(t, 1)
	other := replica("sparkbot-other")
	answers := func(r *running, id, when string) {
		t.Helper()
		status, body := r.postDiscord(key, discordCommand(id), time.Now())
		var cb struct{ Type int }
		if json.Unmarshal([]byte(body), &cb); status != http.StatusOK || cb.Type != 4 {
			t.Errorf("%s: the interactions endpoint answered %d %s, want 200 with a reply", when, status, body)
		}
	}
	answers(other, "1180000000000000301", "on the replica without the gateway")
	answers(holder, "1180000000000000302", "on the replica with the gateway")
	other.exit() // so that the holder is the one to take the gateway back

	pgtest.Terminate(t, dbURL, "sparkbot-holder")
	fake.AwaitIdentifies(t, 2) // a second term, with a new session
	answers(holder, "1180000000000000303", "after the gateway's first term")
	fake.Dispatch(t, "INTERACTION_CREATE", json.RawMessage(discordCommand("1180000000000000304")))
	fake.Await(t, "the gateway interaction's callback in the second term",
		fakediscord.To("POST", "/interactions/1180000000000000304/token-1180000000000000304/callback"))
	if strings.Contains(holder.logs.String(), "dropped an interaction") {
		t.Errorf("the second term dropped an interaction; log:\n%s", holder.logs.String())
	}
}

// exit stops the program and waits for it to end; the test's cleanup
// still checks its exit code.
func (r *running) exit() {
	r.stop()
	code := <-r.code
	r.code <- code
}

// On PostgreSQL the dashboard's sign-in limit is the replicas' together,
// kept in the database as the commands' limit is: a client that spreads
// its attempts over two replicas behind a load balancer gets no more than
// it would from one.
func TestSignInLimitHoldsAcrossReplicas(t *testing.T) {
	dbURL := pgtest.Schema(t)
	_, env := slackEnv(t)
	env["SPARKBOT_DATABASE_URL"] = dbURL
	replicas := []*running{startApp(t, env), startApp(t, env)}
	refused := 0
	for i := range web.SignInsPerMinute + 1 {
		r := replicas[i%2]
		code, _ := get(t, "http://"+r.public+bot.SignInPath+"not-a-token")
		if code == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("%d of %d sign-in attempts over two replicas refused, want 1: the limit is %d a minute for them together",
			refused, web.SignInsPerMinute+1, web.SignInsPerMinute)
	}
}
