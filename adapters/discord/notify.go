package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/internal/split"
	"sparkbot/bot"
)

// DM sends msg to a user through their DM channel, which is opened once
// and cached. A user who does not accept DMs from the bot (Discord error
// 50007) is a permanent failure; a rate limit is a retry after Discord's
// retry_after. A message too long for one Discord message goes as several;
// a retry after one of them failed sends only the rest.
func (a *Adapter) DM(ctx context.Context, ws bot.WorkspaceRef, userID string, msg bot.Message) error {
	if !isSnowflake(userID) {
		return bot.PermanentFailure(fmt.Sprintf("%q is not a Discord user id", userID), nil)
	}
	parts, err := a.render(ctx, ws, msg)
	if err != nil {
		return err
	}
	what := "DM user " + userID
	return a.progress.Send(split.Key(ws, "dm:"+userID, msg), len(parts), func(i int) error {
		if err := a.sendDM(ctx, userID, parts[i]); err != nil {
			return deliveryError(err, what)
		}
		return nil
	})
}

// sendDM sends one message to the user's DM channel, opening it again,
// once, if the cached one is gone.
func (a *Adapter) sendDM(ctx context.Context, userID string, m message) error {
	ch, cached, err := a.dmChannel(ctx, userID)
	if err != nil {
		return err
	}
	_, err = a.rest.ChannelMessageSendComplex(ch, m.send(), discordgo.WithContext(ctx))
	if cached && apiCode(err) == discordgo.ErrCodeUnknownChannel {
		a.forgetDM(userID)
		if ch, _, err = a.dmChannel(ctx, userID); err == nil {
			_, err = a.rest.ChannelMessageSendComplex(ch, m.send(), discordgo.WithContext(ctx))
		}
	}
	return err
}

// Post sends msg to a channel of the workspace's server, as several
// messages when it is too long for one; a retry sends only those that did
// not go out.
func (a *Adapter) Post(ctx context.Context, ws bot.WorkspaceRef, channelID string, msg bot.Message) error {
	if !isSnowflake(channelID) {
		return bot.PermanentFailure(fmt.Sprintf("%q is not a Discord channel id", channelID), nil)
	}
	parts, err := a.render(ctx, ws, msg)
	if err != nil {
		return err
	}
	return a.progress.Send(split.Key(ws, "channel:"+channelID, msg), len(parts), func(i int) error {
		if _, err := a.rest.ChannelMessageSendComplex(channelID, parts[i].send(), discordgo.WithContext(ctx)); err != nil {
			return deliveryError(err, "post in channel "+channelID)
		}
		return nil
	})
}

// dmChannel returns the user's DM channel, opening it if it is not cached,
// and whether it came from the cache.
func (a *Adapter) dmChannel(ctx context.Context, userID string) (string, bool, error) {
	a.dmMu.Lock()
	id, ok := a.dms[userID]
	a.dmMu.Unlock()
	if ok {
		return id, true, nil
	}
	ch, err := a.rest.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return "", false, err
	}
	if ch == nil || !isSnowflake(ch.ID) {
		return "", false, errors.New("discord returned a DM channel without an id")
	}
	a.dmMu.Lock()
	defer a.dmMu.Unlock()
	if len(a.dms) >= maxDMChannels {
		clear(a.dms) // crude but bounded; channels are reopened on demand
	}
	a.dms[userID] = ch.ID
	return ch.ID, false, nil
}

func (a *Adapter) forgetDM(userID string) {
	a.dmMu.Lock()
	defer a.dmMu.Unlock()
	delete(a.dms, userID)
}

// permanentCodes are Discord's JSON error codes that no retry will fix,
// with what staff should know.
var permanentCodes = map[int]string{
	discordgo.ErrCodeCannotSendMessagesToThisUser: "the user does not accept DMs from the bot (their privacy settings, or they blocked it)",
	discordgo.ErrCodeUnknownUser:                  "the user no longer exists",
	discordgo.ErrCodeUnknownChannel:               "the channel no longer exists",
	discordgo.ErrCodeUnknownGuild:                 "the bot is no longer in the server",
	discordgo.ErrCodeMissingAccess:                "the bot cannot see the channel: add it to the channel",
	discordgo.ErrCodeMissingPermissions:           "the bot lacks permission there: give it View Channel and Send Messages",
	50278:                                         "the user shares no server with the bot any more",
}

// deliveryError tells the outbox what a failed Discord call means.
func deliveryError(err error, what string) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return bot.RetryLater(rl.RetryAfter, "Discord rate limit: "+what, err)
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return bot.RetryLater(0, what+": Discord is unreachable or having trouble", err)
	}
	if reason, ok := permanentCodes[apiCode(err)]; ok {
		return bot.PermanentFailure(what+": "+reason, err)
	}
	switch status := re.Response.StatusCode; {
	case status >= 500:
		return bot.RetryLater(0, what+": Discord is having trouble", err)
	case status == http.StatusUnauthorized:
		return bot.RetryLater(0, what+": Discord refused the bot token; check SPARKBOT_DISCORD_TOKEN", err)
	case status == http.StatusForbidden:
		return bot.PermanentFailure(what+": the bot is not allowed to do that", err)
	case status == http.StatusNotFound:
		return bot.PermanentFailure(what+": Discord does not know that user or channel", err)
	}
	return bot.PermanentFailure(what+": Discord refused the message", err)
}

// apiCode returns the Discord JSON error code of err, or 0.
func apiCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}
