package slack

import (
	"context"
	"encoding/json"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxAckPayload bounds a Socket Mode acknowledgement's message; Slack drops
// responses of 20 KiB or more, so longer replies go to the response_url.
const maxAckPayload = 16 << 10

// ackTimeout bounds queueing one acknowledgement on the socket.
const ackTimeout = 3 * time.Second

// serveSocket keeps the Socket Mode connection up until ctx ends,
// reconnecting with back-off when slack-go gives up on it.
func (a *Adapter) serveSocket(ctx context.Context) {
	for attempt := 0; ; attempt++ {
		err := a.socket.RunContext(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := backoff(attempt, err)
		a.log.Warn("Socket Mode connection ended; reconnecting", "err", err, "retry_in", wait)
		if !a.sleep(ctx, wait) {
			return
		}
	}
}

// drain reads the socket's events until ctx ends. It never waits on Slack
// or the router: each request is acknowledged and answered by work of its
// own, so the socket client never stalls on a full events channel.
func (a *Adapter) drain(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt, ok := <-a.events:
			if !ok {
				return
			}
			a.dispatch(ctx, evt)
		}
	}
}

func (a *Adapter) dispatch(ctx context.Context, evt socketmode.Event) {
	var envelope string
	if evt.Request != nil {
		envelope = evt.Request.EnvelopeID
	}
	a.health.socketEvent(evt.Type)
	if !a.firstEnvelope(ctx, evt.Type, envelope) {
		// Acknowledged, so Slack stops redelivering it; not acted on again.
		a.later(ctx, func(ctx context.Context) { a.ackSocket(ctx, envelope, "", nil) })
		return
	}
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackgo.SlashCommand)
		if !ok {
			return
		}
		a.later(ctx, func(ctx context.Context) {
			a.slashCommand(ctx, cmd, func(msg *slackgo.WebhookMessage) { a.ackSocket(ctx, envelope, cmd.ResponseURL, msg) })
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackgo.InteractionCallback)
		a.later(ctx, func(ctx context.Context) {
			a.ackSocket(ctx, envelope, "", nil)
			if ok {
				a.interaction(ctx, cb)
			}
		})
	case socketmode.EventTypeEventsAPI:
		// sparkbot subscribes to no events; acknowledged so Slack stops resending.
		a.later(ctx, func(ctx context.Context) { a.ackSocket(ctx, envelope, "", nil) })
	case socketmode.EventTypeConnected:
		a.log.Info("Socket Mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError,
		socketmode.EventTypeErrorWriteFailed, socketmode.EventTypeErrorBadMessage:
		a.log.Warn("Socket Mode trouble", "event", evt.Type, "data", evt.Data)
	}
}

// envelopeLife is how long an envelope id is remembered: Slack redelivers
// an envelope that was not acknowledged within seconds, a few times.
const envelopeLife = maxSkew

// firstEnvelope reports whether a request envelope is seen for the first
// time; one seen before, or one the replay set cannot record, is not acted
// on. Events that are not requests always pass.
func (a *Adapter) firstEnvelope(ctx context.Context, typ socketmode.EventType, envelope string) bool {
	switch typ {
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
	default:
		return true
	}
	if envelope == "" {
		return true // nothing to tell it apart by; acting on it is all there is
	}
	first, err := a.firstSight(ctx, "slack:envelope:"+envelope, a.cfg.Clock.Now().Add(envelopeLife))
	if err == nil && !first {
		a.log.Warn("ignored a redelivered Socket Mode envelope", "event", typ)
	}
	return first && err == nil
}

// ackSocket acknowledges an envelope, with msg as the reply when it fits;
// a longer reply goes to responseURL instead, as does the reply of an ack
// that failed (slack-go sends nothing when it reports an error).
func (a *Adapter) ackSocket(ctx context.Context, envelope, responseURL string, msg *slackgo.WebhookMessage) {
	var payload any
	if msg != nil {
		if js, err := json.Marshal(msg); err == nil && len(js) < maxAckPayload {
			payload = msg
		}
	}
	actx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	err := a.socket.AckCtx(actx, envelope, payload)
	if err != nil {
		a.log.Warn("acknowledging a Socket Mode request failed", "envelope", envelope, "err", err)
	}
	if msg != nil && (payload == nil || err != nil) {
		a.followUp(ctx, responseURL, msg)
	}
}
