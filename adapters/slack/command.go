package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/bot"
)

// slashCommand answers one slash command, in either mode. ack sends Slack
// the acknowledgement, with a message or without one (nil); it is called
// exactly once, within ackBudget. A reply that is not ready by then, a Slow
// command's, or one too long for a single message goes to the command's
// response_url when it is.
func (a *Adapter) slashCommand(ctx context.Context, cmd slackgo.SlashCommand, ack func(*slackgo.WebhookMessage)) {
	line := strings.TrimPrefix(cmd.Command, "/") + " " + cmd.Text
	path, opts, err := bot.ParseCommandLine(line)
	if err != nil {
		ack(a.replies(ctx, bot.Request{}, bot.Reply("%s", bot.UserMessage(err)))[0])
		return
	}
	opts = plainOptions(path, opts)

	// answered carries the reply the ack can hold: nil when it is several
	// messages, which go to the response_url after an empty ack.
	answered := make(chan *slackgo.WebhookMessage)
	late := make(chan struct{}) // closed once the ack has gone without the reply
	a.later(ctx, func(ctx context.Context) {
		req := a.request(cmd.TeamID, cmd.UserID, cmd.UserName, cmd.ChannelID)
		req.Path, req.Options = path, opts
		msgs := a.replies(ctx, req, a.handler.Handle(ctx, req))
		var first *slackgo.WebhookMessage
		if len(msgs) == 1 {
			first = msgs[0]
		}
		select {
		case answered <- first:
			if first != nil {
				return
			}
		case <-late:
		}
		a.respond(ctx, cmd.ResponseURL, req, msgs)
	})

	if c := bot.Lookup(path); c != nil && c.Slow {
		close(late)
		ack(&slackgo.WebhookMessage{ResponseType: slackgo.ResponseTypeEphemeral, Text: "Working on it…"})
		return
	}
	select {
	case msg := <-answered:
		ack(msg)
	case <-a.cfg.After(ackBudget):
		close(late)
		ack(nil)
	}
}

// maxResponses is how many messages Slack takes on one response_url (five
// within 30 minutes).
const maxResponses = 5

// respond posts a reply's messages to a response_url, in order. A reply of
// more messages than a response_url takes goes to the requester's DMs
// instead, and the response_url says so.
func (a *Adapter) respond(ctx context.Context, url string, req bot.Request, msgs []*slackgo.WebhookMessage) {
	for _, msg := range a.fit(ctx, req, msgs, maxResponses) {
		a.followUp(ctx, url, msg)
	}
}

// fit returns what a response_url with room for n more posts can carry of
// msgs: msgs, or when they are too many, a note that they went to the
// requester's DMs, where they are sent.
func (a *Adapter) fit(ctx context.Context, req bot.Request, msgs []*slackgo.WebhookMessage, n int) []*slackgo.WebhookMessage {
	if len(msgs) <= n {
		return msgs
	}
	note := fmt.Sprintf("This answer is %d messages long, more than Slack lets a command answer with; it is in your DMs with me.", len(msgs))
	ch, err := a.dmChannel(ctx, req.Workspace, req.UserID)
	for i := 0; err == nil && i < len(msgs); i++ {
		err = a.postPaced(ctx, ch, part{text: msgs[i].Text, blocks: msgs[i].Blocks.BlockSet})
	}
	if err != nil {
		a.log.Error("sending a long reply to the requester's DMs failed", "user", req.UserID, "err", err)
		note = fmt.Sprintf("This answer is %d messages long, more than Slack lets a command answer with, and I could not send it to your DMs; try again in a minute.", len(msgs))
	}
	return []*slackgo.WebhookMessage{{Text: note, ResponseType: msgs[0].ResponseType}}
}

// maxPace is the longest rate limit postPaced waits out.
const maxPace = 30 * time.Second

// postPaced posts a part, waiting out a short rate limit (Slack takes about
// one message a second in a conversation) up to twice: a reply has no
// outbox to retry it later.
func (a *Adapter) postPaced(ctx context.Context, channel string, p part) error {
	for attempt := 0; ; attempt++ {
		err := a.post(ctx, channel, p)
		rl, limited := errors.AsType[*slackgo.RateLimitedError](err)
		if !limited || attempt == 2 || rl.RetryAfter > maxPace || !a.sleep(ctx, rl.RetryAfter) {
			return err
		}
	}
}

// followUp posts a reply to a response_url.
func (a *Adapter) followUp(ctx context.Context, url string, msg *slackgo.WebhookMessage) {
	if url == "" {
		a.log.Warn("reply lost: the request had no response_url")
		return
	}
	if err := slackgo.PostWebhookCustomHTTPContext(ctx, url, a.cfg.HTTPClient, msg); err != nil {
		a.log.Error("posting a reply to response_url failed", "err", err)
	}
}

// replies renders a response for Slack: one message, or several when it
// is too long for one. A file goes to the requester's DMs, where only they
// see it, since a reply cannot carry one. It returns at least one message.
func (a *Adapter) replies(ctx context.Context, req bot.Request, resp bot.Response) []*slackgo.WebhookMessage {
	m := resp.Message
	if m.File != nil {
		m = a.fileToDM(ctx, req, m)
	}
	ping, err := a.ping(ctx, m.Ping)
	if err != nil {
		a.log.Warn("reply sent without its ping", "err", err)
	}
	kind := slackgo.ResponseTypeInChannel
	if resp.Ephemeral {
		kind = slackgo.ResponseTypeEphemeral
	}
	var out []*slackgo.WebhookMessage
	for _, p := range a.renderer(ctx).message(m, ping) {
		msg := &slackgo.WebhookMessage{Text: p.text, ResponseType: kind}
		if len(p.blocks) > 0 {
			msg.Blocks = &slackgo.Blocks{BlockSet: p.blocks}
		}
		out = append(out, msg)
	}
	return out
}

// fileToDM sends m's file to the requester's DMs and says so in m.
func (a *Adapter) fileToDM(ctx context.Context, req bot.Request, m bot.Message) bot.Message {
	f := m.File
	m.File = nil
	m.Blocks = append([]bot.Block(nil), m.Blocks...)
	ch, err := a.dmChannel(ctx, req.Workspace, req.UserID)
	if err == nil {
		err = a.upload(ctx, ch, f, "")
	}
	if err != nil {
		a.log.Error("sending a reply's file failed", "user", req.UserID, "file", f.Name, "err", err)
		m.Addf("I could not send you %s; try again in a minute.", bot.UserText(f.Name))
		return m
	}
	m.Addf("%s is in your DMs with me.", bot.UserText(f.Name))
	return m
}

// upload shares a file in a channel, with comment (mrkdwn) when not empty.
func (a *Adapter) upload(ctx context.Context, channelID string, f *bot.File, comment string) error {
	_, err := a.api.UploadFileContext(ctx, slackgo.UploadFileParameters{
		Filename: f.Name, Title: f.Name, FileSize: len(f.Data), Reader: bytes.NewReader(f.Data), Channel: channelID,
		InitialComment: comment,
	})
	return err
}

// renderer renders for the moment of sending, naming users from the cache.
func (a *Adapter) renderer(ctx context.Context) renderer {
	return renderer{now: a.cfg.Clock.Now(), name: func(id string) string {
		if u, _ := a.users.get(ctx, id); u.Name != "" {
			return u.Name
		}
		return id
	}}
}

// plainOptions turns option values from Slack's escaped form into what the
// user typed: for user and channel options the router reads Slack's
// <@U123|alice> and <#C123|news> itself; in other text, Slack's markup
// becomes the words it stands for (<!here> → @here, <@U1|bob> → @bob,
// <https://…|label> → https://…) and &amp;, &lt;, &gt; their characters.
func plainOptions(path []string, opts map[string]string) map[string]string {
	cmd := bot.Lookup(path)
	if cmd == nil {
		return opts
	}
	out := make(map[string]string, len(opts))
	for name, v := range opts {
		if o := cmd.Option(name); o == nil || o.Type != bot.OptUser && o.Type != bot.OptChannel {
			v = plain(v)
		}
		out[name] = v
	}
	return out
}

var (
	markup    = regexp.MustCompile(`<([^<>]*)>`)
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// plain reads Slack's escaped text as the text the user typed.
func plain(s string) string {
	s = markup.ReplaceAllStringFunc(s, func(m string) string {
		target, label, labelled := strings.Cut(m[1:len(m)-1], "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if labelled {
				return target[:1] + strings.TrimLeft(label, "@#")
			}
			return target
		case strings.HasPrefix(target, "!subteam^"):
			if labelled {
				return "@" + strings.TrimPrefix(label, "@")
			}
			return "@group"
		case strings.HasPrefix(target, "!"):
			if labelled {
				return label
			}
			return "@" + strings.TrimPrefix(target, "!")
		}
		return target // a link
	})
	return unescaper.Replace(s)
}
