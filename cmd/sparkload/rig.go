package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack/fakeslack"
)

// rig is one run's set-up: the fake Slack, sparkbot on a seeded database,
// the floor handler, and the client that loads them.
type rig struct {
	cfg      config
	hosts    int
	ranges   hostRanges
	slack    *fakeslack.Server
	bot      *sparkbot
	floor    *http.Server
	floorURL string
	client   *http.Client
	seq      atomic.Int64 // numbers requests: trigger ids, Space ids

	hooks     atomic.Int64 // replies posted to response_url
	stopDrain context.CancelFunc
	drained   sync.WaitGroup
}

// setUp builds and starts everything a run measures.
func setUp(ctx context.Context, cfg config, dir string, stderr io.Writer) (*rig, error) {
	r := &rig{cfg: cfg, ranges: planHosts(cfg), client: newClient()}
	r.hosts = r.ranges.total()
	bin := cfg.bin
	if bin == "" {
		fmt.Fprintln(stderr, "sparkload: building sparkbot…")
		var err error
		if bin, err = build(ctx, dir); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stderr, "sparkload: seeding %d hosts…\n", r.hosts)
	db := filepath.Join(dir, "sparkbot.db")
	if err := seed(ctx, db, r.hosts, time.Now()); err != nil {
		return nil, err
	}
	r.slack = fakeslack.Start()
	for i := range r.hosts {
		r.slack.AddUser(slackgo.User{ID: hostID(i), Name: hostName(i), TZ: hostZone,
			Profile: slackgo.UserProfile{DisplayName: hostName(i)}})
	}
	r.drain()
	var err error
	r.bot, err = startSparkbot(ctx, bin, dir, db, r.slack.APIURL(), cfg.logLevel)
	if err != nil {
		r.close(stderr)
		return nil, err
	}
	if err := r.startFloor(); err != nil {
		r.close(stderr)
		return nil, err
	}
	return r, nil
}

// close stops what setUp started.
func (r *rig) close(stderr io.Writer) {
	if r.floor != nil {
		r.floor.Close()
	}
	if r.bot != nil {
		if err := r.bot.stop(); err != nil {
			fmt.Fprintf(stderr, "sparkload: %v\n", err)
		}
	}
	if r.slack != nil {
		r.stopDrain()
		r.slack.Close()
		r.drained.Wait()
	}
}

// drain reads what the fake Slack was sent, so that it never blocks on a
// full channel, and counts replies that went to response_url.
func (r *rig) drain() {
	ctx, cancel := context.WithCancel(context.Background())
	r.stopDrain = cancel
	r.drained.Go(func() { // until close
		for {
			select {
			case <-r.slack.Posts:
			case <-r.slack.Uploads:
			case <-r.slack.Hooks:
				r.hooks.Add(1)
			case <-ctx.Done():
				return
			}
		}
	})
}

func (r *rig) deferredHooks() int64 { return r.hooks.Load() }

// startFloor serves the floor: a net/http handler that reads the request
// and answers a fixed reply, doing nothing else.
func (r *rig) startFloor() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r.floorURL = "http://" + ln.Addr().String() + commandsPath
	r.floor = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"response_type":"ephemeral","text":"Logged. This week: ok"}`)
	})}
	go func() { // until close
		if err := r.floor.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Printf("sparkload: the floor handler stopped: %v\n", err)
		}
	}()
	return nil
}

// newClient is the load's HTTP client: keep-alive connections, enough of
// them that an open-loop burst never waits for one.
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 4096, 4096
	return &http.Client{Transport: t, Timeout: 10 * time.Second}
}

// measure loads the floor, then sparkbot, with the commands of path, each
// after an unmeasured warm-up.
func (r *rig) measure(ctx context.Context, path string) (floor, target summary, err error) {
	warm := r.commands("status", r.ranges.warmup)
	if r.cfg.warmup > 0 {
		load(ctx, r.client, r.floorURL, r.cfg.rate, r.cfg.warmup, warm)
		load(ctx, r.client, r.bot.url, r.cfg.rate, r.cfg.warmup, warm)
	}
	cmds := r.commands(path, r.ranges.of(path))
	floor = load(ctx, r.client, r.floorURL, r.cfg.rate, r.cfg.duration, cmds)
	floor.name, floor.floor = "floor (net/http) for "+path, true
	target = load(ctx, r.client, r.bot.url, r.cfg.rate, r.cfg.duration, cmds)
	target.name = commandPaths[path].name
	return floor, target, ctx.Err()
}
