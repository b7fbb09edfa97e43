package scheduler

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"sparkbot/bot"
)

// Several sparkbot processes (replicas) may share one store. Each runs a
// scheduler; a store that is shared says so by implementing the optional
// capabilities below, checked with type assertions, and the schedulers
// then split the work:
//
//   - each due job is claimed by one scheduler before it is handed to a
//     worker (Claimer), with a lease the claimer renews while its worker
//     runs, so a delivery goes out once across replicas, and a job whose
//     scheduler died is taken over once its lease lapses;
//   - one scheduler, the leader (Elector), does the periodic work: it plans
//     at start and takes the leaderKinds jobs; the others deliver;
//   - a scheduler hears when another added jobs (Waker) and ticks, so a
//     job added on one replica is on time on all;
//   - a change to what the X watcher watches, made on any replica, reaches
//     the leader's watcher at its next round (WatchSharer, watch.go).
//
// A store of one process (bbolt) implements none of them: its scheduler
// holds every job itself, always leads and needs no waking, and behaves as
// it did before replicas existed.

// Claimer is a store whose due index several schedulers share.
type Claimer interface {
	// ClaimJobs claims, for this process, up to limit pending jobs due at
	// or before now that no scheduler holds (or whose holder's lease has
	// lapsed), by due time then key, leaving jobs of the kinds in except
	// alone. A claim lasts ClaimLease unless renewed; finishing, updating
	// or dropping the job ends it.
	ClaimJobs(ctx context.Context, now time.Time, limit int, except []bot.JobKind) ([]bot.Job, error)
	// ClaimableJobs returns up to limit pending jobs, earliest due first,
	// that this process holds or could claim when they fall due, leaving
	// except alone: what the alarm is set by.
	ClaimableJobs(ctx context.Context, limit int, except []bot.JobKind) ([]bot.Job, error)
	// RenewClaims extends this process's claims on keys by ClaimLease,
	// and reports whether claims another process let lapse wait to be
	// taken over.
	RenewClaims(ctx context.Context, keys []string) (lapsed bool, err error)
	// ReleaseClaim gives up this process's claim on key, a job it will
	// not deliver now, so that any scheduler may claim it.
	ReleaseClaim(ctx context.Context, key string) error
	// ClaimLease is how long a claim lasts unrenewed.
	ClaimLease() time.Duration
}

// Elector elects one leader among the schedulers sharing a store.
type Elector interface {
	// Lead campaigns until ctx ends: each time this process is elected it
	// calls lead with a context that ends when it stops being the leader,
	// and campaigns again once lead has returned.
	Lead(ctx context.Context, lead func(ctx context.Context)) error
}

// Waker tells a scheduler that another changed the due index.
type Waker interface {
	// WatchJobs calls wake whenever jobs were added to the due index or
	// given back, until ctx ends.
	WatchJobs(ctx context.Context, wake func()) error
}

// leaderKinds are the periodic work only the leader takes: planning, the
// cohort checks, digests, stipend and final reports, the Discord
// Scheduled Events sync, and X: the watcher's rounds and the re-checks of
// pasted links, so one process keeps to X's rate limits (the X client
// counts them in memory). Deliveries to hosts and channels are any
// scheduler's. A new periodic kind belongs here.
var leaderKinds = []bot.JobKind{bot.JobPlan, bot.JobCheck, bot.JobDigest, bot.JobStipend, bot.JobFinal, bot.JobEvents,
	bot.JobWatch, bot.JobRecheck}

// replica is how this scheduler shares its store: its claimer, and
// whether it leads. Set up by New, from the store's capabilities.
type replica struct {
	claimer Claimer // nil: the store is this process's alone
	elector Elector // nil: this scheduler always leads
	waker   Waker   // nil: nobody else adds jobs
	leading atomic.Bool
	// watchSharer carries the watcher's Stale across replicas; nil: alone.
	watchSharer WatchSharer
	// watchSeen is the watch generation the last round started from (-1:
	// none yet).
	watchSeen atomic.Int64
}

func newReplica(store bot.Store) *replica {
	r := &replica{}
	r.claimer, _ = store.(Claimer)
	if r.claimer != nil { // leading and waking make sense only for a shared due index
		r.elector, _ = store.(Elector)
		r.waker, _ = store.(Waker)
		r.watchSharer, _ = store.(WatchSharer)
	}
	r.watchSeen.Store(-1)
	r.leading.Store(r.elector == nil)
	return r
}

// except is the kinds this scheduler leaves to another: the leader's,
// unless it leads.
func (r *replica) except() []bot.JobKind {
	if r.leading.Load() {
		return nil
	}
	return leaderKinds
}

// Leading reports whether this scheduler does the periodic work: always
// on a store of its own; on a shared one, while it is the elected leader.
func (s *Scheduler) Leading() bool { return s.replica.leading.Load() }

// dueJobs is what a tick hands to workers: the jobs due now, up to a
// batch, claimed for this process when the store is shared — and then
// only as many as there are free workers, so the rest stay for the other
// replicas. full says more may be due than were returned.
func (s *Scheduler) dueJobs(ctx context.Context, now time.Time) (jobs []bot.Job, full bool, err error) {
	r := s.replica
	if r.claimer == nil {
		limit := s.tickLimit() // no more than the workers can take
		jobs, err = s.store.DueJobs(ctx, now, limit)
		return jobs, len(jobs) == limit, err
	}
	free := min(tickBatch, cap(s.slots)-len(s.slots))
	if free == 0 {
		return nil, true, nil
	}
	jobs, err = r.claimer.ClaimJobs(ctx, now, free, r.except())
	return jobs, len(jobs) == free, err
}

// unclaim gives back the claim on a job a tick claimed but did not hand
// to a worker. A failure only delays it: the lease lapses.
func (s *Scheduler) unclaim(ctx context.Context, key string) {
	if s.replica.claimer == nil {
		return
	}
	if err := s.replica.claimer.ReleaseClaim(ctx, key); err != nil {
		s.log.Warn("giving back a job claim; another replica takes it when its lease lapses", "key", key, "err", err)
	}
}

// upcoming is the earliest pending jobs the alarm may ring for: on a
// shared store only those this scheduler holds or may claim, so it never
// rings for a job another replica holds or that only the leader takes.
func (s *Scheduler) upcoming(ctx context.Context, limit int) ([]bot.Job, error) {
	r := s.replica
	if r.claimer == nil {
		return s.store.DueJobs(ctx, endOfTime, limit)
	}
	return r.claimer.ClaimableJobs(ctx, limit, r.except())
}

// startReplica starts what sharing the store takes, for Run: the campaign
// for leadership and the watch for other replicas' jobs, until ctx ends,
// and renewing this process's claims on c, the safety net's cron, on work,
// which outlives ctx while deliveries drain. Alone, it plans at once, as
// the leader does when elected. The returned func waits for what it
// started, once ctx has ended.
func (s *Scheduler) startReplica(ctx, work context.Context, c *cron.Cron) (wait func(), err error) {
	r := s.replica
	if r.claimer == nil {
		s.planAtStart(ctx)
		return func() {}, nil
	}
	period := max(r.claimer.ClaimLease()/3, time.Second)
	if _, err := c.AddFunc("@every "+period.String(), func() { s.renewClaims(work) }); err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	if r.waker != nil {
		wg.Go(func() { r.waker.WatchJobs(ctx, s.Dispatch) })
	}
	if r.elector != nil {
		wg.Go(func() { r.elector.Lead(ctx, s.lead) })
	} else {
		s.planAtStart(ctx)
	}
	return wg.Wait, nil
}

// lead is this scheduler's term as leader: it plans (catching up from
// where the last leader left off), takes the periodic jobs until ctx ends,
// then leaves them to the next.
func (s *Scheduler) lead(ctx context.Context) {
	s.log.Info("this replica leads: it plans and sends the digests and reports")
	s.replica.leading.Store(true)
	defer s.replica.leading.Store(false)
	s.planAtStart(ctx)
	s.Dispatch() // the periodic jobs due now are this scheduler's to claim
	<-ctx.Done()
	s.log.Info("this replica no longer leads")
}

func (s *Scheduler) planAtStart(ctx context.Context) {
	if err := s.PlanAll(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("planning at start failed; the next tick retries through the due index", "err", err)
	}
}

// renewClaims extends the leases of the jobs this process's workers hold,
// and ticks when another replica's claims have lapsed, to take them over.
func (s *Scheduler) renewClaims(ctx context.Context) {
	s.mu.Lock()
	keys := make([]string, 0, len(s.inflight))
	for key := range s.inflight {
		keys = append(keys, key)
	}
	s.mu.Unlock()
	lapsed, err := s.replica.claimer.RenewClaims(ctx, keys)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("renewing job claims", "held", len(keys), "err", err)
		}
		return
	}
	if lapsed {
		s.Dispatch()
	}
}
