package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

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
// the last 5 minutes; others get 401.
func (a *Adapter) verified(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := Verify(a.cfg.SigningSecret, r.Header, body, a.cfg.Clock.Now()); err != nil {
			a.log.Warn("rejected an unverified request", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			http.Error(w, "invalid Slack signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	})
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	cmd, err := slackgo.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
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
	if err != nil {
		http.Error(w, "malformed interaction payload", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.later(r.Context(), func(ctx context.Context) { a.interaction(ctx, cb) })
}
