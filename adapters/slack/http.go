package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
)

// maxBody bounds a request body from Slack; real ones are a few KiB.
const maxBody = 64 << 10

// Routes are HTTP mode's endpoints, to mount on the process's HTTP
// listener; nil when no signing secret is configured. Each verifies the
// request's signature and age before anything else.
func (a *Adapter) Routes() map[string]http.Handler {
	if a.cfg.SigningSecret == "" {
		return nil
	}
	return map[string]http.Handler{
		"POST /slack/commands":      a.verified(a.serveCommand),
		"POST /slack/interactivity": a.verified(a.serveInteraction),
	}
}

// verified wraps next so that it sees only requests signed by Slack within
// the last 5 minutes (others get 401), and each of those once: a replay
// inside the window gets 409. Answers to what Slack did not send carry no
// detail.
func (a *Adapter) verified(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			httpStatus(w, bodyErrorStatus(err))
			return
		}
		if err := Verify(a.cfg.SigningSecret, r.Header, body, a.cfg.Clock.Now()); err != nil {
			a.log.Warn("rejected an unverified request", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			httpStatus(w, http.StatusUnauthorized)
			return
		}
		ts, sig := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
		unix, _ := strconv.ParseInt(ts, 10, 64) // Verify parsed it
		first, err := a.firstSight(r.Context(), "slack:request:"+ts+":"+sig, time.Unix(unix, 0).Add(maxSkew+time.Second))
		switch {
		case err != nil:
			httpStatus(w, http.StatusServiceUnavailable)
			return
		case !first:
			a.log.Warn("refused a replayed request", "path", r.URL.Path, "remote", r.RemoteAddr)
			httpStatus(w, http.StatusConflict)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	})
}

// ReplayGuard remembers the signed requests and Socket Mode envelopes the
// adapter acted on; edge.ReplaySet is one, kept in memory.
type ReplayGuard interface {
	// FirstSeen records key until the time until and reports whether it
	// is new; false means a replay.
	FirstSeen(ctx context.Context, key string, until time.Time) (bool, error)
}

// firstSight records key as acted on and reports whether this is its first
// sight. A set that cannot record it (full) returns an error, and the
// request is refused: forgetting older keys would let those be replayed.
func (a *Adapter) firstSight(ctx context.Context, key string, until time.Time) (bool, error) {
	if a.cfg.Replay == nil {
		return true, nil
	}
	first, err := a.cfg.Replay.FirstSeen(ctx, key, until)
	if err != nil {
		a.log.Error("refusing a request: the replay set cannot take it", "err", err)
	}
	return first, err
}

// httpStatus answers with a bare status: no detail for whoever sent it.
func httpStatus(w http.ResponseWriter, code int) { http.Error(w, http.StatusText(code), code) }

// bodyErrorStatus is the answer to a body that could not be read: too
// large, or cut off (its read timeout passed, the client went away).
func bodyErrorStatus(err error) int {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	cmd, err := slackgo.SlashCommandParse(r)
	if err != nil || !wellFormedCommand(cmd) {
		httpStatus(w, http.StatusBadRequest)
		return
	}
	a.slashCommand(r.Context(), cmd, func(msg *slackgo.WebhookMessage) {
		if msg == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(msg); err != nil {
			a.log.Warn("writing a command's reply failed", "err", err)
		}
	})
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	cb, err := slackgo.InteractionCallbackParse(r)
	if err != nil || !wellFormedCallback(cb) {
		httpStatus(w, http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.later(r.Context(), func(ctx context.Context) { a.interaction(ctx, cb) })
}

// Bounds on a signed request's fields: Slack's ids are short, and a
// response_url is a hooks.slack.com address of well under a kilobyte.
const (
	maxIDLen  = 64
	maxURLLen = 2048
)

// wellFormedCommand reports whether a signed slash command has what every
// one Slack sends has: a team, a user, a command and a response_url.
func wellFormedCommand(c slackgo.SlashCommand) bool {
	return slackID(c.TeamID) && slackID(c.UserID) && (c.ChannelID == "" || slackID(c.ChannelID)) &&
		strings.HasPrefix(c.Command, "/") && len(c.Command) <= maxIDLen && httpsURL(c.ResponseURL)
}

// wellFormedCallback is wellFormedCommand for a button click.
func wellFormedCallback(cb slackgo.InteractionCallback) bool {
	team := cb.Team.ID
	if team == "" {
		team = cb.User.TeamID
	}
	return cb.Type != "" && slackID(team) && slackID(cb.User.ID) &&
		(cb.ResponseURL == "" || httpsURL(cb.ResponseURL))
}

func slackID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// httpsURL reports whether s is an absolute http(s) URL of bounded length
// (http for fakes on 127.0.0.1).
func httpsURL(s string) bool {
	if len(s) > maxURLLen {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
