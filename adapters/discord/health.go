package discord

import (
	"errors"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
)

// health is what the adapter knows of its connection, for readiness.
type health struct {
	connected atomic.Bool // the gateway's websocket is up
}

func (a *Adapter) onConnect(*discordgo.Session, *discordgo.Connect) { a.health.connected.Store(true) }
func (a *Adapter) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	a.health.connected.Store(false)
}

// Ready reports whether the adapter can take commands: connected to the
// gateway, with the slash commands registered.
func (a *Adapter) Ready() error {
	if !a.health.connected.Load() {
		return errors.New("not connected to the Discord gateway")
	}
	select {
	case <-a.registered:
		return nil
	default:
		return errors.New("connected, but the slash commands are not registered yet")
	}
}
