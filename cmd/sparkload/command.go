package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sparkbot/adapters/slack"
	"sparkbot/adapters/slack/fakeslack"
)

// The fake workspace the load runs in, and the signing secret sparkbot is
// started with.
const (
	teamID        = fakeslack.TeamID
	channelID     = "C0LOAD"
	signingSecret = "sparkload-signing-secret"
	commandsPath  = "/slack/commands"
	// responseURL is where a reply not ready within the ack would go: a
	// closed port on loopback, since every reply should come in its ack.
	responseURL = "https://127.0.0.1:9/hooks/sparkload"
)

// commandPath is one kind of measured command.
type commandPath struct {
	name string
	text func(seq int64) string // the slash command's text
	want string                 // what its ack says when it worked
}

var commandPaths = map[string]commandPath{
	"status": {name: "/spaces status (read)", text: func(int64) string { return "status" }, want: "This week"},
	"log": {name: "/spaces log (write)", want: "Logged",
		text: func(seq int64) string { return "log url:https://x.com/i/spaces/" + spaceID(seq) }},
}

// spaceID is a Space id no other request of the run uses.
func spaceID(seq int64) string { return fmt.Sprintf("1LOAD%08d", seq) }

// command is one slash command to send.
type command struct {
	body []byte
	want string
}

// commands returns the command of path for each request i, from hosts.
func (r *rig) commands(path string, hosts hostRange) func(i int) command {
	p := commandPaths[path]
	return func(i int) command {
		seq := r.seq.Add(1)
		h := hosts.host(i)
		form := url.Values{
			"token": {"unused"}, "team_id": {teamID}, "team_domain": {"spark"},
			"channel_id": {channelID}, "channel_name": {"load"},
			"user_id": {hostID(h)}, "user_name": {hostName(h)},
			"command": {"/spaces"}, "text": {p.text(seq)},
			"api_app_id": {"A0LOAD"}, "response_url": {responseURL},
			"trigger_id": {"load." + strconv.FormatInt(seq, 10)},
		}
		return command{body: []byte(form.Encode()), want: p.want}
	}
}

// request is c as Slack sends it to target: signed, timestamped now.
func (c command) request(target string, now time.Time) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(c.body))
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Signature(signingSecret, ts, c.body))
	return req, nil
}
