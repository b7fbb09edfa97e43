package bot

import (
	"context"
	"fmt"
)

// The live channel (opt-in, /cohort settings live:#channel) hears when a
// linked host goes live on X, once per Space, pinging nobody.

// announce queues the live channel's post for rec, which just went live,
// if its workspace has a live channel and its creator is a host there.
func (w *Watcher) announce(ctx context.Context, set *watchSet, ws WorkspaceRef, rec *SeenSpace) {
	co := set.cohorts[ws]
	wh := set.users[ws][rec.UserID]
	if rec.Announced || co.LiveChannel == "" || wh == nil {
		return
	}
	msg := LiveMessage(wh.link.Handle, rec.Title, rec.ID)
	job := Job{Key: fmt.Sprintf("%s/live/%s", ws.Key(), rec.ID), Kind: JobPost, Workspace: ws,
		Due: w.clock.Now(), UserID: rec.UserID, Channel: co.LiveChannel, Message: &msg}
	if err := queue(ctx, w.store, w.planner, job); err != nil {
		w.log.Error("watching X: queueing the live channel's post", "workspace", ws.Key(), "space", rec.ID, "err", err)
		return
	}
	rec.Announced = true
}

// LiveMessage is the live channel's post: "🔴 @alice_x is live: ‘Night
// owls’ https://x.com/i/spaces/1eaKbrPAqbwKX". The handle and title are
// user text, so nothing in them pings.
func LiveMessage(handle, title, spaceID string) Message {
	name := Text("a Space")
	if title != "" {
		name = UserText("‘" + title + "’")
	}
	return messagef("🔴 %s is live: %s %s", UserText("@"+handle), name, SpaceLink(spaceID))
}
