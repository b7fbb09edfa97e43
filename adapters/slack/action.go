package slack

import (
	"context"
	"encoding/json"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/internal/split"
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
	req := a.request(team, cb.User.ID, cb.User.Name, cb.Channel.ID)
	req.Action = &bot.Action{ID: act.ActionID, Value: act.Value}
	resp := a.handler.Handle(ctx, req)
	msgs := a.fit(ctx, req, a.replies(ctx, req, resp), maxResponses-1)
	if !resp.Failed {
		msgs = append(clicked(cb.Message, msgs[0]), msgs[1:]...)
	}
	for _, msg := range msgs {
		if !msg.ReplaceOriginal {
			msg.ResponseType = slackgo.ResponseTypeEphemeral
		}
		a.followUp(ctx, cb.ResponseURL, msg)
	}
}

// clicked is the original message with its buttons replaced by reply; if
// the two do not fit one message, the original without its buttons, and
// the reply after it.
func clicked(orig slackgo.Message, reply *slackgo.WebhookMessage) []*slackgo.WebhookMessage {
	var blocks []slackgo.Block
	for _, b := range orig.Blocks.BlockSet {
		if b.BlockType() != slackgo.MBTAction {
			blocks = append(blocks, b)
		}
	}
	kept := &slackgo.WebhookMessage{ReplaceOriginal: true, Text: orig.Text, Blocks: &slackgo.Blocks{BlockSet: blocks}}
	var more []slackgo.Block
	if reply.Blocks != nil {
		more = reply.Blocks.BlockSet
	}
	both := append(append([]slackgo.Block(nil), blocks...), more...)
	if len(both) > maxBlocks || blocksText(both) > maxBlockText {
		return []*slackgo.WebhookMessage{kept, reply}
	}
	text := reply.Text
	if orig.Text != "" {
		text = orig.Text + "\n" + reply.Text
	}
	kept.Text, kept.Blocks = clip(text, maxFallback), &slackgo.Blocks{BlockSet: both}
	return []*slackgo.WebhookMessage{kept}
}

// blocksText is the text in blocks, as it counts toward maxBlockText.
func blocksText(blocks []slackgo.Block) int {
	data, err := json.Marshal(blocks)
	var v any
	if err != nil || json.Unmarshal(data, &v) != nil {
		return maxBlockText + 1 // unknown: do not risk it
	}
	return textIn(v)
}

// textIn adds up the "text" strings in decoded JSON.
func textIn(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "text" {
				n += split.Len(s)
				continue
			}
			n += textIn(x)
		}
	case []any:
		for _, x := range v {
			n += textIn(x)
		}
	}
	return n
}
