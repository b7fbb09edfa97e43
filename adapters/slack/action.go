package slack

import (
	"context"

	slackgo "github.com/slack-go/slack"

	"sparkbot/bot"
)

// interaction runs a button click through the router and updates the
// clicked message: its buttons give way to the router's answer, so the
// message shows what the click did and cannot be clicked twice. A click
// that failed leaves the message as it is, so the user can try again, and
// the answer comes as an ephemeral reply.
func (a *Adapter) interaction(ctx context.Context, cb slackgo.InteractionCallback) {
	if cb.Type != slackgo.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	act := cb.ActionCallback.BlockActions[0]
	team := cb.Team.ID
	if team == "" {
		team = cb.User.TeamID // org-wide installs name the user's team only
	}
	req := a.request(ctx, team, cb.User.ID, cb.User.Name, cb.Channel.ID)
	req.Action = &bot.Action{ID: act.ActionID, Value: act.Value}
	resp := a.handler.Handle(ctx, req)
	msgs := a.fit(ctx, req, a.replies(ctx, req, resp))
	for i, msg := range msgs {
		if resp.Failed || i > 0 {
			msg.ResponseType = slackgo.ResponseTypeEphemeral
		} else {
			msg = clicked(cb.Message, msg)
		}
		a.followUp(ctx, cb.ResponseURL, msg)
	}
}

// clicked is the original message with its buttons replaced by reply.
func clicked(orig slackgo.Message, reply *slackgo.WebhookMessage) *slackgo.WebhookMessage {
	var blocks []slackgo.Block
	for _, b := range orig.Blocks.BlockSet {
		if b.BlockType() != slackgo.MBTAction {
			blocks = append(blocks, b)
		}
	}
	if reply.Blocks != nil {
		room := max(0, maxBlocks-len(blocks))
		blocks = append(blocks, reply.Blocks.BlockSet[:min(room, len(reply.Blocks.BlockSet))]...)
	}
	text := reply.Text
	if orig.Text != "" {
		text = orig.Text + "\n" + reply.Text
	}
	return &slackgo.WebhookMessage{
		ReplaceOriginal: true,
		Text:            clip(text, maxFallback),
		Blocks:          &slackgo.Blocks{BlockSet: blocks},
	}
}
