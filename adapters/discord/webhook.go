package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// callbackPayload is an interaction response on the wire.
type callbackPayload struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data any                               `json:"data,omitempty"`
}

// deferredData is a deferred response's data: its flags, and
// allowed_mentions because every message the bot sends says who may be
// pinged.
type deferredData struct {
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

// choicesData is an autocomplete result; choices is always a list, even
// when empty.
type choicesData struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// webhooks answers interactions: the callback, the edit of a deferred
// reply, follow-ups. These URLs hold the interaction's token, so they go
// through this plain client rather than discordgo's limiter, which would
// keep a bucket for every token forever (discordgo issue 1333).
// Interaction endpoints are not subject to per-route limits.
type webhooks struct {
	client    *http.Client
	userAgent string
	// wait pauses before another attempt; it returns early with ctx's error.
	wait func(ctx context.Context, d time.Duration) error
}

func (w *webhooks) callback(ctx context.Context, id, token string, payload any, files []*discordgo.File) error {
	return w.do(ctx, http.MethodPost, discordgo.EndpointInteractionResponse(id, token), payload, files)
}

func (w *webhooks) editOriginal(ctx context.Context, appID, token string, payload any, files []*discordgo.File) error {
	return w.do(ctx, http.MethodPatch, discordgo.EndpointInteractionResponseActions(appID, token), payload, files)
}

func (w *webhooks) followup(ctx context.Context, appID, token string, payload any, files []*discordgo.File) error {
	return w.do(ctx, http.MethodPost, discordgo.EndpointFollowupMessage(appID, token), payload, files)
}

// maxErrorBody bounds how much of a failed response is kept for the log.
const maxErrorBody = 4 << 10

// Retrying one interaction call: Discord rate-limits follow-ups sent in a
// burst (a long reply's parts), and may not know an interaction yet whose
// first response is still on its way to it (the HTTP endpoint's answer to
// Discord's request), saying Unknown Webhook.
const (
	maxHookAttempts = 4
	maxHookWait     = 10 * time.Second // longer rate limits fail the call
	unknownWait     = 500 * time.Millisecond
)

func (w *webhooks) do(ctx context.Context, method, endpoint string, payload any, files []*discordgo.File) error {
	var body []byte
	contentType := "application/json"
	var err error
	if len(files) > 0 {
		contentType, body, err = discordgo.MultipartBodyWithJSON(payload, files)
	} else {
		body, err = json.Marshal(payload)
	}
	if err != nil {
		return fmt.Errorf("encoding an interaction reply: %w", err)
	}
	for attempt := 1; ; attempt++ {
		again, err := w.try(ctx, method, endpoint, contentType, body)
		if err == nil {
			if again > 0 { // the route's limit is used up: let it reset before the next call
				w.wait(ctx, again)
			}
			return nil
		}
		if again < 0 || attempt == maxHookAttempts {
			return err
		}
		if w.wait(ctx, again) != nil {
			return err
		}
	}
}

// try makes one call. On failure it says how long to wait before trying
// again, or -1 when another try would not help; on success, how long the
// route needs before it takes another call (Discord's X-RateLimit-Remaining
// at 0), or 0.
func (w *webhooks) try(ctx context.Context, method, endpoint, contentType string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
	if err != nil {
		return -1, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", w.userAgent)
	resp, err := w.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // its URL holds the token; keep that out of logs
			err = uerr.Err
		}
		return -1, fmt.Errorf("%s interaction reply: %w", method, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return exhausted(resp.Header), nil
	}
	err = fmt.Errorf("%s interaction reply: HTTP %s: %s", method, resp.Status, msg)
	var answer struct {
		Code       int     `json:"code"`
		RetryAfter float64 `json:"retry_after"`
	}
	json.Unmarshal(msg, &answer)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		d := time.Duration(answer.RetryAfter * float64(time.Second))
		if d <= 0 || d > maxHookWait {
			return -1, err
		}
		return d, err
	case resp.StatusCode == http.StatusNotFound && answer.Code == discordgo.ErrCodeUnknownWebhook:
		return unknownWait, err
	}
	return -1, err
}

// exhausted is how long until a route whose limit the response used up
// resets, per Discord's rate-limit headers; 0 when it has calls left.
func exhausted(h http.Header) time.Duration {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return 0
	}
	sec, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err != nil || sec <= 0 {
		return 0
	}
	return min(time.Duration(sec*float64(time.Second)), maxHookWait)
}
