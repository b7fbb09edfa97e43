package postgres

import (
	"context"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/storage/postgres/pgtest"
)

// waitFor fails t if ch does not deliver within limit: a bound on a
// failure, not a wait for time to pass.
func waitFor[T any](t *testing.T, ch <-chan T, limit time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(limit):
		t.Fatalf("%s did not happen within %v", what, limit)
		panic("unreachable")
	}
}

// term is one replica's time as leader: its name, and a way to end it.
type term struct {
	name string
	ctx  context.Context
}

// campaign runs db's campaign for role until the test ends, sending each
// term it wins on terms.
func campaign(t *testing.T, db *DB, role string, slots int, terms chan<- term) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.Campaign(ctx, role, slots, func(held context.Context) {
			terms <- term{name: db.replica, ctx: held}
			<-held.Done()
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

func TestOneLeaderAtATimeAndATakeover(t *testing.T) {
	url, dbs := replicasAt(t, 2, Options{LeaderPoll: 20 * time.Millisecond})
	terms := make(chan term, 4)
	stop := map[string]context.CancelFunc{}
	for _, db := range dbs {
		stop[db.replica] = campaign(t, db, "leader", 1, terms)
	}
	first := waitFor(t, terms, 10*time.Second, "electing a leader")
	other := "replica-0"
	if first.name == other {
		other = "replica-1"
	}
	pgtest.AwaitLockTries(t, url, other, 3) // the other keeps trying, in vain
	select {
	case second := <-terms:
		t.Fatalf("%s and %s lead at once", first.name, second.name)
	default:
	}
	stop[first.name]() // the leader stops: its session ends, with the lock
	second := waitFor(t, terms, 10*time.Second, "a takeover")
	if second.name == first.name {
		t.Fatalf("%s was elected again after it stopped", first.name)
	}
	if first.ctx.Err() == nil {
		t.Fatal("the first leader's term did not end when it stopped campaigning")
	}
}

func TestRoleSlotsAreHeldByAtMostThatMany(t *testing.T) {
	url, dbs := replicasAt(t, 3, Options{LeaderPoll: 20 * time.Millisecond})
	terms := make(chan term, 6)
	for _, db := range dbs {
		campaign(t, db, "slack-socket", 2, terms)
	}
	a := waitFor(t, terms, 10*time.Second, "a first holder")
	b := waitFor(t, terms, 10*time.Second, "a second holder")
	if a.name == b.name {
		t.Fatalf("%s holds two slots", a.name)
	}
	for _, db := range dbs {
		if db.replica != a.name && db.replica != b.name {
			pgtest.AwaitLockTries(t, url, db.replica, 4) // both slots, twice over, in vain
		}
	}
	select {
	case c := <-terms:
		t.Fatalf("a third replica, %s, holds one of two slots", c.name)
	default:
	}
}

func TestJobsAddedOnOneReplicaWakeTheOthers(t *testing.T) {
	dbs := replicas(t, 2, Options{LeaderPoll: 20 * time.Millisecond})
	wakes := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		dbs[1].WatchJobs(ctx, func() { wakes <- struct{}{} })
	}()
	defer func() { cancel(); <-done }()
	waitFor(t, wakes, 10*time.Second, "the wake-up on connecting") // notifications before it are lost: catch up
	must(t, dbs[0].AddJobs(t.Context(), dueJobs(3, bot.JobDM)))
	waitFor(t, wakes, 10*time.Second, "the wake-up for the jobs the other replica added")
	must(t, dbs[0].AddJobs(t.Context(), dueJobs(4, bot.JobDM)))
	waitFor(t, wakes, 10*time.Second, "the wake-up for one more job")

	// Jobs that were all there already notify nobody: on a session
	// listening to the channel, the first notification after adding them
	// is the test's own, sent after.
	conn, err := dbs[1].connect(t.Context())
	must(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), `LISTEN "`+dbs[1].channel()+`"`)
	must(t, err)
	must(t, dbs[0].AddJobs(t.Context(), dueJobs(4, bot.JobDM))) // nothing new
	_, err = conn.Exec(t.Context(), `SELECT pg_notify($1, 'after')`, dbs[1].channel())
	must(t, err)
	n, err := conn.WaitForNotification(t.Context())
	must(t, err)
	if n.Payload != "after" {
		t.Errorf("adding jobs that were all there already notified the replicas (payload %q)", n.Payload)
	}
}

// The connection holding a role tells the server to end its session soon
// after the holder's machine vanishes: by keepalives while the socket is
// idle, and by tcp_user_timeout while data the server sent is still
// unacknowledged (keepalives do not run then, and retransmissions alone
// would keep the session, and its lock, for some 15 minutes). Both within
// sessionTimeout, so that a role is taken over within sessionTimeout and a
// LeaderPoll: 25 s with the defaults, inside the 30 s promised.
func TestARoleSessionEndsSoonAfterItsHolderVanishes(t *testing.T) {
	db := openTest(t)
	conn, err := db.sessionConn(t.Context())
	must(t, err)
	defer conn.Close(context.Background())
	show := func(name string) string {
		t.Helper()
		var v string
		must(t, conn.QueryRow(t.Context(), `SELECT current_setting($1)`, name).Scan(&v))
		return v
	}
	for name, want := range map[string]string{
		"tcp_user_timeout":        "20000", // ms
		"tcp_keepalives_idle":     "5",     // s
		"tcp_keepalives_interval": "5",
		"tcp_keepalives_count":    "3",
	} {
		if got := show(name); got != want {
			t.Errorf("%s on the role's session: %s, want %s", name, got, want)
		}
	}
	if bound := sessionTimeout + defaultLeaderPoll; bound > 30*time.Second {
		t.Errorf("a vanished holder's role is taken over within %v, past the 30 s promised", bound)
	}
	if stepDown := defaultLeaderPoll + pingTimeout(defaultLeaderPoll); stepDown >= sessionTimeout {
		t.Errorf("a holder cut off from the database steps down within %v, not before the server ends its session (%v)", stepDown, sessionTimeout)
	}
}
