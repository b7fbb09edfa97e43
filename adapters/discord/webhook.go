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
	req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", w.userAgent)
	resp, err := w.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // its URL holds the token; keep that out of logs
			err = uerr.Err
		}
		return fmt.Errorf("%s interaction reply: %w", method, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return fmt.Errorf("%s interaction reply: HTTP %s: %s", method, resp.Status, msg)
}
