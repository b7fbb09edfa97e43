package slack

import (
	"context"
	"errors"
	"testing"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

// refusingSocket is a Socket Mode connection whose acknowledgements fail,
// as they do while slack-go reconnects.
type refusingSocket struct{ socketConn }

func (refusingSocket) AckCtx(context.Context, string, any) error {
	return errors.New("connection is down")
}

// A reply that was to ride on an acknowledgement that failed goes to the
// response_url instead of being lost.
func TestFailedAckSendsTheReplyToTheResponseURL(t *testing.T) {
	fake := fakeslack.New(t)
	a, err := New(Config{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: fake.APIURL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.socket = refusingSocket{}
	a.ackSocket(context.Background(), "env-1", fake.ResponseURL("late"), &slackgo.WebhookMessage{Text: "Logged."})
	if hook := fakeslack.Receive(t, fake.Hooks); hook.ID != "late" || hook.Msg.Text != "Logged." {
		t.Errorf("response_url got %+v, want the reply", hook)
	}
}

// channellessAPI answers conversations.open with ok and no channel.
type channellessAPI struct{ webAPI }

func (channellessAPI) OpenConversationContext(context.Context, *slackgo.OpenConversationParameters) (*slackgo.Channel, bool, bool, error) {
	return nil, false, false, nil
}

// A conversations.open answer without a channel is a retryable failure,
// not a panic in the scheduler's delivery.
func TestDMWithoutAChannelFails(t *testing.T) {
	fake := fakeslack.New(t)
	a, err := New(Config{BotToken: fakeslack.BotToken, SigningSecret: "s", APIURL: fake.APIURL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.api = channellessAPI{a.api}
	err = a.DM(context.Background(), workspace(fakeslack.TeamID), "U0ALICE", bot.Message{})
	if de, ok := bot.AsDeliveryError(err); !ok || de.Permanent {
		t.Errorf("DM: %v, want a retryable delivery failure", err)
	}
}
