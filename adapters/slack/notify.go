package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/internal/split"
	"sparkbot/bot"
)

// DM sends msg to a user in their direct messages with the bot, opening
// the conversation once (conversations.open) and remembering it.
func (a *Adapter) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, msg bot.Message) error {
	if err := checkWorkspace(ws); err != nil {
		return err
	}
	if !slackUserID.MatchString(userID) {
		return bot.PermanentFailure(fmt.Sprintf("%q is not a Slack user id: add the host again with /cohort add user:@name", userID), nil)
	}
	ch, err := a.dmChannel(ctx, ws, userID)
	if err == nil {
		err = a.send(ctx, ws, ch, msg)
		if err != nil {
			a.dms.Delete(dmKey(ws, userID)) // reopened on the next attempt
		}
	}
	return a.deliveryError(ctx, err, target{user: userID})
}

// Post sends msg to a channel.
func (a *Adapter) Post(ctx context.Context, ws bot.WorkspaceRef, channel string, msg bot.Message) error {
	if err := checkWorkspace(ws); err != nil {
		return err
	}
	if !slackChannelID.MatchString(channel) {
		return bot.PermanentFailure(fmt.Sprintf("%q is not a Slack channel id: pick the channel again with /cohort settings", channel), nil)
	}
	return a.deliveryError(ctx, a.send(ctx, ws, channel, msg), target{channel: channel})
}

func dmKey(ws bot.WorkspaceRef, userID string) string { return ws.ID + "/" + userID }

// dmChannel returns the id of the bot's DM conversation with user.
func (a *Adapter) dmChannel(ctx context.Context, ws bot.WorkspaceRef, userID string) (string, error) {
	if ch, ok := a.dms.Load(dmKey(ws, userID)); ok {
		return ch, nil
	}
	c, _, _, err := a.api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{userID}})
	if err != nil {
		return "", err
	}
	if c == nil || c.ID == "" {
		return "", errors.New("slack: conversations.open succeeded without a channel")
	}
	a.dms.Store(dmKey(ws, userID), c.ID)
	return c.ID, nil
}

// maxComment bounds the text a file's share carries as its comment; a
// longer message goes before the file, as messages of its own.
const maxComment = 4000

// send posts msg in a channel: as one message, or as several when it is
// too long for one. A message with a file is the file's share, its text
// the share's comment, in one call: were they two, a retry after the
// second failed would send the first again. (A file share takes text, not
// Block Kit; the reports that carry files read well as text.) A message
// too long to be a comment goes first, as messages, and the file after
// them. A retry after one of several calls failed makes only the calls
// that did not succeed.
func (a *Adapter) send(ctx context.Context, ws bot.WorkspaceRef, channel string, msg bot.Message) error {
	ping, err := a.ping(ctx, msg.Ping)
	if err != nil {
		return err
	}
	parts := a.renderer(ctx).message(msg, ping)
	if msg.File != nil && len(parts) == 1 && split.Len(parts[0].text) <= maxComment {
		return a.upload(ctx, channel, msg.File, parts[0].text)
	}
	steps := len(parts)
	if msg.File != nil {
		steps++
	}
	return a.progress.Send(split.Key(ws, channel, msg), steps, func(i int) error {
		if i == len(parts) {
			return a.upload(ctx, channel, msg.File, "")
		}
		return a.post(ctx, channel, parts[i])
	})
}

// post sends one part as a message.
func (a *Adapter) post(ctx context.Context, channel string, p part) error {
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(p.text, false)}
	if len(p.blocks) > 0 {
		opts = append(opts, slackgo.MsgOptionBlocks(p.blocks...))
	}
	_, _, err := a.api.PostMessageContext(ctx, channel, opts...)
	return err
}

var slackGroupID = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)

// ping is the markup of msg's explicit group mention, resolving a user
// group's name to its id.
func (a *Adapter) ping(ctx context.Context, p bot.Ping) (string, error) {
	if p.Kind != bot.PingRole {
		return pingMarkup(p, ""), nil
	}
	if slackGroupID.MatchString(p.Role) {
		return pingMarkup(p, p.Role), nil
	}
	id, err := a.groups.id(ctx, p.Role)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", bot.PermanentFailure(fmt.Sprintf("there is no Slack user group called @%s: create it in Slack, or ping another group", p.Role), nil)
	}
	return pingMarkup(p, id), nil
}

// target is where a delivery went: a channel, or a user's DMs.
type target struct{ channel, user string }

// deliveryError translates a Slack failure for the outbox: rate limits and
// outages are retried (after Slack's Retry-After, else on the outbox's own
// back-off), a missing channel or user is not, and each says how to fix it.
func (a *Adapter) deliveryError(ctx context.Context, err error, t target) error {
	if err == nil {
		return nil
	}
	if _, ok := bot.AsDeliveryError(err); ok || ctx.Err() != nil {
		return err
	}
	if rl, ok := errors.AsType[*slackgo.RateLimitedError](err); ok {
		return bot.RetryLater(rl.RetryAfter, "Slack is rate limiting the bot", err)
	}
	ser, ok := errors.AsType[slackgo.SlackErrorResponse](err)
	if !ok {
		return bot.RetryLater(0, "Slack could not be reached", err)
	}
	if reason := a.permanentReason(ctx, ser.Err, t); reason != "" {
		return bot.PermanentFailure(reason, err)
	}
	if tokenErrors[ser.Err] {
		return bot.RetryLater(0, fmt.Sprintf("Slack does not accept the bot token (%s): set SPARKBOT_SLACK_BOT_TOKEN to the app's Bot User OAuth Token, and reinstall the app from slack/manifest.yaml if it lacks a scope", ser.Err), err)
	}
	return bot.RetryLater(0, fmt.Sprintf("Slack refused the message (%s)", ser.Err), err)
}

// tokenErrors are Slack's answers to a token that is wrong, revoked or
// lacks a scope.
var tokenErrors = map[string]bool{
	"invalid_auth": true, "not_authed": true, "token_revoked": true, "token_expired": true,
	"account_inactive": true, "missing_scope": true, "not_allowed_token_type": true,
}

// permanentReason is what staff are told about an error that retrying
// cannot fix, with the fix; "" when the error is not one.
func (a *Adapter) permanentReason(ctx context.Context, code string, t target) string {
	me := a.botHandle()
	switch code {
	case "channel_not_found":
		if t.user != "" {
			return fmt.Sprintf("Slack has no DM conversation with %s: they may have left the workspace", a.userLabel(ctx, t.user))
		}
		return fmt.Sprintf("the bot cannot see channel %s: invite %s to it, or pick another channel with /cohort settings", t.channel, me)
	case "not_in_channel":
		where := a.channelLabel(ctx, t.channel)
		return fmt.Sprintf("the bot is not in %s: invite %s to %s", where, me, where)
	case "is_archived":
		return fmt.Sprintf("%s is archived: pick another channel with /cohort settings", a.channelLabel(ctx, t.channel))
	case "user_not_found", "user_disabled":
		return fmt.Sprintf("%s is no longer in the Slack workspace: remove them with /cohort remove", a.userLabel(ctx, t.user))
	case "cannot_dm_bot":
		return fmt.Sprintf("%s is a bot, and bots cannot get DMs: remove them with /cohort remove", a.userLabel(ctx, t.user))
	case "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel":
		return fmt.Sprintf("the workspace does not let the bot post in %s: ask a Slack admin to allow it, or pick another channel with /cohort settings", a.channelLabel(ctx, t.channel))
	case "msg_too_long", "invalid_blocks", "invalid_blocks_format", "no_text", "invalid_arguments":
		return fmt.Sprintf("Slack refused the message as malformed (%s): this is a sparkbot bug, please report it", code)
	}
	return ""
}

// channelLabel names a channel for staff: #news when Slack says, else its id.
func (a *Adapter) channelLabel(ctx context.Context, id string) string {
	if c, err := a.api.GetConversationInfoContext(ctx, &slackgo.GetConversationInfoInput{ChannelID: id}); err == nil && c.Name != "" {
		return "#" + c.Name
	}
	return "channel " + id
}

// userLabel names a user for staff: "Alice (U123)", else the id.
func (a *Adapter) userLabel(ctx context.Context, id string) string {
	if u, _ := a.users.get(ctx, id); u.Name != "" {
		return u.Name + " (" + id + ")"
	}
	return "user " + id
}
