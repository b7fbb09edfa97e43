package slack

import (
	"errors"
	"sync/atomic"

	"github.com/slack-go/slack/socketmode"
)

// health is what the adapter knows of its connection, for readiness.
type health struct {
	authenticated atomic.Bool // auth.test succeeded: the bot token works
	socketUp      atomic.Bool // Socket Mode's websocket is connected
}

// socketEvent follows Socket Mode's connection from its events.
func (h *health) socketEvent(t socketmode.EventType) {
	switch t {
	case socketmode.EventTypeConnected:
		h.socketUp.Store(true)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect, socketmode.EventTypeInvalidAuth:
		h.socketUp.Store(false)
	}
}

// Ready reports whether the adapter can take commands: the bot token
// works and, in Socket Mode, the socket is connected.
func (a *Adapter) Ready() error {
	if !a.health.authenticated.Load() {
		return errors.New("the bot token has not been accepted by Slack (auth.test) yet")
	}
	if a.socket != nil && !a.health.socketUp.Load() {
		return errors.New("Socket Mode is not connected")
	}
	return nil
}
