// Package slack is Slack for bot: slash commands and button clicks in,
// Block Kit replies, DMs and channel posts out, through slack-go. It runs in
// Socket Mode (an app-level token; no public URL) or HTTP mode (signed
// requests on the process's HTTP listener), and derives everything it offers
// from bot's command table.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"sparkbot/adapters/internal/split"
	"sparkbot/bot"
)

// Handler runs one request; *bot.Router satisfies it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Response
}

// Config says how the adapter reaches Slack.
type Config struct {
	BotToken      string // xoxb-…, always needed
	AppToken      string // xapp-…: Socket Mode
	SigningSecret string // HTTP mode: verifies requests to Routes
	// APIURL is the Web API base, "https://slack.com/api/" when empty
	// (GovSlack and other deployments use another host).
	APIURL string
	// Staff are user ids that count as program staff, besides the
	// workspace's admins and owners. Blank items are ignored.
	Staff []string

	Clock      bot.Clock    // signature freshness and cache expiry; the wall clock when nil
	Logger     *slog.Logger // slog.Default() when nil
	HTTPClient *http.Client // Web API and response_url calls; one with a 30s timeout when nil
	// After returns a channel that fires once d has passed: the acknowledgement
	// budget and the back-off between connection attempts. time.After when nil.
	After func(d time.Duration) <-chan time.Time
	// Replay remembers signed requests and Socket Mode envelopes acted
	// on, so a replay or a redelivery is acted on once; nil: no check.
	Replay ReplayGuard
}

// Timing limits.
const (
	// ackBudget is how long a command may run before its acknowledgement
	// goes out without it; Slack wants one within 3 seconds.
	ackBudget = 2 * time.Second
	// workTimeout bounds a command's or click's work after its
	// acknowledgement (a response_url takes answers for 30 minutes).
	workTimeout = 2 * time.Minute
	// userTTL is how long users.info answers (name, zone, admin) are trusted.
	userTTL = 10 * time.Minute
	// maxBackoff caps the wait between attempts to reach Slack.
	maxBackoff = 5 * time.Minute
	// httpTimeout bounds one call to Slack, so a silent network cannot
	// hold a delivery or the start-up check forever.
	httpTimeout = 30 * time.Second
)

// webAPI is the part of slack-go's Web API client the adapter uses;
// *slackgo.Client satisfies it.
type webAPI interface {
	AuthTestContext(ctx context.Context) (*slackgo.AuthTestResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slackgo.GetUserInfoOption) (*slackgo.User, error)
	OpenConversationContext(ctx context.Context, params *slackgo.OpenConversationParameters) (*slackgo.Channel, bool, bool, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slackgo.MsgOption) (string, string, error)
	GetConversationInfoContext(ctx context.Context, input *slackgo.GetConversationInfoInput) (*slackgo.Channel, error)
	GetUserGroupsContext(ctx context.Context, options ...slackgo.GetUserGroupsOption) ([]slackgo.UserGroup, error)
	UploadFileContext(ctx context.Context, params slackgo.UploadFileParameters) (*slackgo.FileSummary, error)
}

// socketConn is the part of slack-go's Socket Mode client the adapter uses;
// *socketmode.Client satisfies it. Its events arrive on a separate channel.
type socketConn interface {
	RunContext(ctx context.Context) error
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// Adapter is sparkbot on one Slack workspace. It is also Slack's
// bot.Notifier.
type Adapter struct {
	cfg     Config
	handler Handler
	api     webAPI
	socket  socketConn              // nil in HTTP mode
	events  <-chan socketmode.Event // socket's events
	log     *slog.Logger
	staff   map[string]bool

	users  *userCache
	dms    *dmCache // team+user → DM channel id (user.go)
	groups *groupCache
	// progress remembers how far a DM or post of several messages got
	// before it failed, so its retry does not send the first ones twice.
	progress *split.Progress

	mu      sync.Mutex
	botName string // from auth.test, for fixes like "invite @sparkbot"

	work sync.WaitGroup // commands and clicks answered after their ack

	health health // health.go: readiness
}

var _ bot.Notifier = (*Adapter)(nil)

// New returns an adapter sending requests to h. It needs the bot token and
// either the app token (Socket Mode) or the signing secret (HTTP mode).
func New(cfg Config, h Handler) (*Adapter, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: httpTimeout}
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slackgo.OptionAPIURL(strings.TrimSuffix(cfg.APIURL, "/")+"/"))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	client := slackgo.New(cfg.BotToken, opts...)
	a := &Adapter{cfg: cfg, handler: h, api: client, log: cfg.Logger.With("platform", "slack"), botName: "sparkbot"}
	if cfg.AppToken != "" {
		sm := socketmode.New(client)
		a.socket, a.events = sm, sm.Events
	}
	a.staff = make(map[string]bool, len(cfg.Staff))
	for _, id := range cfg.Staff {
		if id = strings.TrimSpace(id); id != "" {
			a.staff[id] = true
		}
	}
	a.users = newUserCache(a.api, cfg.Clock)
	a.dms = newDMCache(cfg.Clock)
	a.groups = &groupCache{api: a.api, clock: cfg.Clock}
	a.progress = split.NewProgress(cfg.Clock)
	return a, nil
}

func (cfg Config) check() error {
	switch {
	case cfg.BotToken == "":
		return errors.New("slack: a bot token (SPARKBOT_SLACK_BOT_TOKEN, xoxb-…) is needed")
	case !strings.HasPrefix(cfg.BotToken, "xoxb-"):
		return errors.New("slack: the bot token (SPARKBOT_SLACK_BOT_TOKEN) must start with xoxb-; copy the Bot User OAuth Token from the app's OAuth & Permissions page")
	case cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-"):
		return errors.New("slack: the app token (SPARKBOT_SLACK_APP_TOKEN) must start with xapp-; create an app-level token with the connections:write scope on the app's Basic Information page")
	case cfg.AppToken == "" && cfg.SigningSecret == "":
		return errors.New("slack: set SPARKBOT_SLACK_APP_TOKEN for Socket Mode, or SPARKBOT_SLACK_SIGNING_SECRET for HTTP mode, next to the bot token")
	}
	return nil
}

// SocketMode reports whether the adapter receives events over Socket Mode
// rather than on HTTP routes.
func (a *Adapter) SocketMode() bool { return a.socket != nil }

// Run connects to Slack and serves Socket Mode events until ctx ends. In
// HTTP mode it only checks the token and waits. A Slack that cannot be
// reached is logged and retried with back-off; Run does not give up, so
// signed HTTP requests keep being answered meanwhile. Run returns once ctx
// has ended and work in flight is done. It may be called again after it
// returned (on replicas, each time this one takes a Socket Mode role).
func (a *Adapter) Run(ctx context.Context) error {
	defer a.work.Wait()
	var drain sync.WaitGroup
	if a.socket != nil {
		// The socket client stalls if its events are not read, so they are
		// read from the start, by this goroutine alone, until ctx ends.
		drain.Go(func() { a.drain(ctx) })
	}
	if a.authenticate(ctx) && a.socket != nil {
		a.serveSocket(ctx)
	}
	<-ctx.Done()
	drain.Wait()
	a.health.socketUp.Store(false) // closed with ctx, maybe before its disconnect event was read
	return nil
}

// authenticate calls auth.test until it succeeds or ctx ends, and reports
// whether it succeeded.
func (a *Adapter) authenticate(ctx context.Context) bool {
	for attempt := 0; ; attempt++ {
		resp, err := a.api.AuthTestContext(ctx)
		if err == nil {
			a.health.authenticated.Store(true)
			a.mu.Lock()
			if resp.User != "" {
				a.botName = resp.User
			}
			a.mu.Unlock()
			a.log.Info("connected to Slack", "team", resp.Team, "team_id", resp.TeamID, "bot", resp.User)
			return true
		}
		wait := backoff(attempt, err)
		a.log.Warn("cannot reach Slack; retrying", "err", err, "retry_in", wait)
		if !a.sleep(ctx, wait) {
			return false
		}
	}
}

// backoff is the wait before attempt+1: Slack's own hint when rate
// limited, else doubling from a second up to maxBackoff.
func backoff(attempt int, err error) time.Duration {
	if rl, ok := errors.AsType[*slackgo.RateLimitedError](err); ok && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	d := time.Second << min(attempt, 9)
	return min(d, maxBackoff)
}

// sleep waits d or until ctx ends, and reports whether ctx is still live.
func (a *Adapter) sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-a.cfg.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// later runs f after an acknowledgement has gone out, with a context that
// outlives the request's but not workTimeout. Run waits for it. A panic in
// f is logged: it must not take the process down with it.
func (a *Adapter) later(ctx context.Context, f func(ctx context.Context)) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	a.work.Go(func() {
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("answering a Slack request panicked", "panic", p, "stack", string(debug.Stack()))
			}
		}()
		f(ctx)
	})
}

// botHandle is the bot's name, for fixes like "invite @sparkbot".
func (a *Adapter) botHandle() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return "@" + a.botName
}

func workspace(teamID string) bot.WorkspaceRef {
	return bot.WorkspaceRef{Platform: bot.Slack, ID: teamID}
}

func checkWorkspace(ws bot.WorkspaceRef) error {
	if ws.Platform != bot.Slack {
		return bot.PermanentFailure(fmt.Sprintf("the Slack adapter cannot deliver to a %s workspace", ws.Platform), nil)
	}
	return nil
}
