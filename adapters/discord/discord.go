// Package discord is Discord for bot: slash commands derived from the
// command table, button clicks, autocomplete, DMs and channel posts, through
// github.com/bwmarrin/discordgo.
//
// Interactions arrive over the gateway (Run) or, when a public key is
// configured, over Discord's Interactions Endpoint URL (Routes). Either way
// each becomes a bot.Request for the router, and the router's bot.Response is
// rendered back natively: times as <t:UNIX:style>, users and channels as
// mentions that never ping unless the message asks to, buttons as message
// components.
//
// Interaction replies go out through the adapter's own small HTTP client
// rather than discordgo's REST methods: discordgo keeps a rate-limit bucket
// per URL forever, and every interaction token is a new URL (discordgo issue
// 1333). Interaction endpoints are not rate limited per route, so nothing is
// lost by skipping the limiter there; everything else (commands, DMs, posts)
// goes through discordgo and its limiter.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"sparkbot/adapters/internal/split"
	"sparkbot/bot"
)

// Handler is what the adapter needs from the router; *bot.Router has it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Response
	Suggest(ctx context.Context, req bot.Request, option, typed string) []bot.Suggestion
}

var _ Handler = (*bot.Router)(nil)

// rest is the part of discordgo's REST client the adapter calls.
type rest interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	UserChannelCreate(recipientID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	GuildRoles(guildID string, options ...discordgo.RequestOption) ([]*discordgo.Role, error)

	GuildScheduledEvents(guildID string, userCount bool, options ...discordgo.RequestOption) ([]*discordgo.GuildScheduledEvent, error)
	GuildScheduledEventCreate(guildID string, event *discordgo.GuildScheduledEventParams, options ...discordgo.RequestOption) (*discordgo.GuildScheduledEvent, error)
	GuildScheduledEventEdit(guildID, eventID string, event *discordgo.GuildScheduledEventParams, options ...discordgo.RequestOption) (*discordgo.GuildScheduledEvent, error)
	GuildScheduledEventDelete(guildID, eventID string, options ...discordgo.RequestOption) error
}

// gateway is the part of discordgo's websocket session the adapter uses.
type gateway interface {
	AddHandler(handler any) func()
	Open() error
	Close() error
}

// Config says how the adapter reaches Discord and reads its users.
type Config struct {
	// Token is the bot token (SPARKBOT_DISCORD_TOKEN), with or without "Bot ".
	Token string
	// GuildID, when set, registers the commands in that server only
	// (instant, for development); otherwise they are global.
	GuildID string
	// StaffRole is the id of the role whose members are staff. Members with
	// Manage Server are staff too; nothing else counts.
	StaffRole string
	// PublicKey is the application's public key, hex encoded, for the HTTP
	// interactions endpoint. Empty disables Handler.
	PublicKey string
	// Clock tells the HTTP endpoint how old a signed request is; nil means
	// the wall clock.
	Clock bot.Clock
	// Logger receives what goes wrong; nil means slog.Default().
	Logger *slog.Logger
	// HTTPClient carries every REST call; nil means a client with a 20s
	// timeout. Tests point it at a fake Discord.
	HTTPClient *http.Client
	// BaseURL, if set, replaces https://discord.com in every REST call (a
	// fake Discord in end-to-end tests, or a proxy). The gateway's address
	// comes from the REST API, so it follows.
	BaseURL string
	// Replay remembers the HTTP endpoint's interactions, so one replayed
	// inside the signature window is refused; nil: no replay check.
	Replay ReplayGuard
}

// Limits and timings.
const (
	// deferAfter is how long a command may run before its reply is
	// deferred; Discord drops replies after 3 s.
	deferAfter = 2 * time.Second
	// tokenLife is how long an interaction token can be used for follow-ups.
	tokenLife = 15 * time.Minute
	// shutdownGrace is how long Drain waits, when stopping, for replies in
	// flight.
	shutdownGrace = 5 * time.Second
	// maxDMChannels bounds the DM channel cache.
	maxDMChannels = 50_000
	// backoffMin and backoffMax bound the wait between attempts to reach
	// Discord at start.
	backoffMin = time.Second
	backoffMax = 5 * time.Minute
)

// Adapter is sparkbot on Discord. It is also Discord's bot.Notifier.
type Adapter struct {
	cfg   Config
	h     Handler
	log   *slog.Logger
	clock bot.Clock
	rest  rest
	hooks *webhooks
	// dial makes the gateway session of one term of Run: a new one each
	// time, so a term identifies afresh rather than resume the session
	// the last term closed (Discord invalidates a session closed so).
	dial func() gateway

	publicKey []byte // nil: no HTTP endpoint

	// deferAfter is how long a command that is not Slow may run before
	// its reply is deferred.
	deferAfter time.Duration
	// wait pauses between attempts to reach Discord; it returns early with
	// ctx's error.
	wait func(ctx context.Context, d time.Duration) error

	appID chan string // READY's application id, once per connection of a term

	dmMu sync.Mutex
	dms  map[string]string // user id → DM channel id

	// progress remembers how far a DM or post of several messages got
	// before it failed, so its retry does not send the first ones twice.
	progress *split.Progress

	// work owns interaction goroutines, from the gateway and the HTTP
	// endpoint alike; they outlive a term of Run (their replies go over
	// HTTP), and Drain, at the process's end, stops and waits for them.
	workMu     sync.Mutex
	closed     bool
	work       sync.WaitGroup
	workCtx    context.Context
	stopWork   context.CancelFunc
	registered chan struct{} // closed after the first successful registration
	regOnce    sync.Once

	health health // health.go: readiness
}

var _ bot.Notifier = (*Adapter)(nil)

// New returns an adapter for cfg that sends interactions to h. It does not
// connect; Run does.
func New(cfg Config, h Handler) (*Adapter, error) {
	if err := cfg.complete(); err != nil {
		return nil, err
	}
	key, err := parsePublicKey(cfg.PublicKey)
	if err != nil {
		return nil, err
	}
	s := newSession(cfg)
	a := &Adapter{
		cfg: cfg, h: h, log: cfg.Logger.With("platform", "discord"), clock: cfg.Clock,
		rest: s, dial: func() gateway { return newSession(cfg) }, hooks: &webhooks{client: cfg.HTTPClient, userAgent: s.UserAgent},
		publicKey: key, deferAfter: deferAfter, wait: sleep,
		appID: make(chan string, 1), dms: map[string]string{}, registered: make(chan struct{}),
		progress: split.NewProgress(cfg.Clock),
	}
	a.hooks.wait = func(ctx context.Context, d time.Duration) error { return a.wait(ctx, d) }
	a.workCtx, a.stopWork = context.WithCancel(context.Background())
	return a, nil
}

// complete checks cfg and fills in its defaults.
func (cfg *Config) complete() error {
	if cfg.Token == "" {
		return errors.New("discord: a bot token is required")
	}
	if cfg.GuildID != "" && !isSnowflake(cfg.GuildID) {
		return fmt.Errorf("discord: guild id %q is not a Discord id (a number like 1180000000000000000)", cfg.GuildID)
	}
	if cfg.StaffRole != "" && !isSnowflake(cfg.StaffRole) {
		return fmt.Errorf("discord: staff role %q is not a role id; copy it with Developer Mode on (Server Settings → Roles → Copy Role ID)", cfg.StaffRole)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	if cfg.BaseURL != "" {
		base, err := url.Parse(cfg.BaseURL)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
			return fmt.Errorf("discord: base URL %q must be like http://127.0.0.1:8081", cfg.BaseURL)
		}
		client := *cfg.HTTPClient
		client.Transport = rebase{base: base, rt: client.Transport}
		cfg.HTTPClient = &client
	}
	return nil
}

// newSession returns a discordgo session set up for the adapter: no
// retries on 429 or 502 (the outbox owns retries and must not post twice),
// no state cache, no gateway intents (interactions need none), and no
// reconnecting by itself: Run reopens a dropped connection while its term
// lasts. discordgo's own reconnect loop outlives Close (a heartbeat that
// fails on the connection Close just shut starts it, and it retries Open
// forever), so each ended term would leave a session dialling Discord.
func newSession(cfg Config) *discordgo.Session {
	token := cfg.Token
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, _ := discordgo.New(token) // New never fails
	s.Client = cfg.HTTPClient
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.StateEnabled = false
	s.ShouldReconnectOnError = false
	s.Identify.Intents = discordgo.IntentsNone
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 15 * time.Second}
	s.LogLevel = discordgo.LogError
	return s
}

// Run connects to the gateway, registers the commands and serves the
// gateway's interactions until ctx ends; then it closes the gateway and
// returns nil. If Discord is unreachable it logs and keeps trying with
// back-off.
//
// Run is one term on the gateway, and may be called again once it has
// returned: on replicas each call is one holding of the gateway role.
// Interactions keep being answered meanwhile: those a term received and
// still answers (their replies go over HTTP, not the gateway), and the
// HTTP endpoint's, served before, between and during terms. Drain, when
// the process stops, waits for them.
func (a *Adapter) Run(ctx context.Context) error {
	gw := a.dial()
	a.newTerm()
	defer a.health.connected.Store(false) // Close's Disconnect may find no handler left
	defer gw.AddHandler(a.onReady)()
	defer gw.AddHandler(a.onInteraction)()
	defer gw.AddHandler(a.onConnect)()    // health.go
	defer gw.AddHandler(a.onDisconnect)() // health.go
	dropped := make(chan struct{}, 1)     // the connection closed: reopen it (newSession)
	defer gw.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
		select {
		case dropped <- struct{}{}:
		default:
		}
	})()

	if !a.retry(ctx, "connect to the Discord gateway", func(ctx context.Context) error { return a.open(ctx, gw) }) {
		return nil
	}
	defer func() {
		if err := gw.Close(); err != nil {
			a.log.Warn("closing the gateway", "err", err)
		}
	}()
	var appID string
	for appID == "" {
		select {
		case appID = <-a.appID:
		case <-dropped:
			if !a.reopen(ctx, gw) {
				return nil
			}
		case <-ctx.Done():
			return nil
		}
	}
	if !a.retry(ctx, "register the slash commands", func(ctx context.Context) error { return a.register(ctx, appID) }) {
		return nil
	}
	for {
		select {
		case <-dropped:
			if !a.reopen(ctx, gw) {
				return nil
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// reopen opens gw again after its connection closed; discordgo resumes
// the session. It reports false if ctx ended first. A connection already
// open again (the signal of an earlier close, read late) is left alone.
func (a *Adapter) reopen(ctx context.Context, gw gateway) bool {
	return a.retry(ctx, "reconnect to the Discord gateway", func(ctx context.Context) error {
		if err := a.open(ctx, gw); !errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return err
		}
		return nil
	})
}

// newTerm forgets what a previous term of Run left: a READY it did not
// read.
func (a *Adapter) newTerm() {
	select {
	case <-a.appID:
	default:
	}
}

// Registered is closed once the commands have been registered (tests, and
// a readiness probe).
func (a *Adapter) Registered() <-chan struct{} { return a.registered }

// open opens gw. discordgo's Open cannot be cancelled, so it runs in a
// goroutine that ends when Open returns; if ctx ends first, a late success
// is closed again.
func (a *Adapter) open(ctx context.Context, gw gateway) error {
	done := make(chan error, 1)
	go func() { done <- gw.Open() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		go func() { // ends when Open returns
			if <-done == nil {
				gw.Close()
			}
		}()
		return ctx.Err()
	}
}

// retry runs fn until it succeeds, waiting with exponential back-off in
// between; it reports false if ctx ended first.
func (a *Adapter) retry(ctx context.Context, what string, fn func(context.Context) error) bool {
	backoff := backoffMin
	for {
		err := fn(ctx)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		a.log.Error("cannot "+what+"; retrying", "in", backoff, "err", err)
		if a.wait(ctx, backoff) != nil {
			return false
		}
		backoff = min(2*backoff, backoffMax)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// register overwrites the application's commands with the table's.
func (a *Adapter) register(ctx context.Context, appID string) error {
	cmds := applicationCommands(bot.Commands())
	got, err := a.rest.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	scope := "globally"
	if a.cfg.GuildID != "" {
		scope = "in guild " + a.cfg.GuildID
	}
	a.log.Info("registered slash commands "+scope, "commands", len(got))
	a.regOnce.Do(func() { close(a.registered) })
	return nil
}

func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r == nil || r.Application == nil || !isSnowflake(r.Application.ID) {
		a.log.Error("gateway READY without an application id")
		return
	}
	a.log.Info("connected to the Discord gateway", "application", r.Application.ID)
	select { // a reconnect's READY finds the first one consumed
	case a.appID <- r.Application.ID:
	default:
	}
}

// spawn runs fn in a goroutine owned by the adapter, with a context that
// ends after tokenLife or when the adapter stops. It reports false, without
// running fn, once the adapter has stopped.
func (a *Adapter) spawn(fn func(ctx context.Context)) bool {
	a.workMu.Lock()
	defer a.workMu.Unlock()
	if a.closed {
		return false
	}
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		ctx, cancel := context.WithTimeout(a.workCtx, tokenLife)
		defer cancel()
		fn(ctx)
	}()
	return true
}

// Drain refuses new interactions, the HTTP endpoint's (503, so Discord
// tries again) and the gateway's, and waits for those in flight,
// cancelling them if they take longer than shutdownGrace. Call it once,
// when the process stops: after the HTTP listener has stopped taking
// requests and Run has returned.
func (a *Adapter) Drain() {
	a.workMu.Lock()
	a.closed = true
	a.workMu.Unlock()
	t := time.AfterFunc(shutdownGrace, a.stopWork)
	defer t.Stop()
	a.work.Wait()
	a.stopWork()
}

// rebase sends discord.com requests to another base URL.
type rebase struct {
	base *url.URL
	rt   http.RoundTripper
}

func (r rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := r.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	if req.URL.Host != "discord.com" {
		return rt.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.base.Scheme, r.base.Host, ""
	return rt.RoundTrip(out)
}

// isSnowflake reports whether s looks like a Discord id: 1–20 digits.
func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
