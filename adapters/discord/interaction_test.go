package discord

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
)

// TestStaffMapping: the configured role or Manage Server, read from the
// interaction's member; nothing else counts.
func TestStaffMapping(t *testing.T) {
	for _, tc := range []struct {
		name      string
		staffRole string
		member    map[string]any
		want      bool
	}{
		{"plain member", staffRole, member(otherID, plainPerms, hostRole), false},
		{"member with the staff role", staffRole, member(otherID, plainPerms, hostRole, staffRole), true},
		{"member with Manage Server", staffRole, member(otherID, "32"), true},
		{"member with every permission", staffRole, member(otherID, managePerms), true},
		{"Administrator bit alone is not Manage Server", staffRole, member(otherID, "8"), false},
		{"staff role id when no role is configured", "", member(otherID, plainPerms, staffRole), false},
		{"Manage Server when no role is configured", "", member(otherID, "32"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.StaffRole = tc.staffRole })
			in := decodeInteraction(t, interaction("1180000000000000700", 2, tc.member, command([]string{"cohort", "help"})))
			req, _, err := e.a.commandRequest(in)
			if err != nil {
				t.Fatal(err)
			}
			if req.Staff != tc.want {
				t.Errorf("staff: got %v, want %v", req.Staff, tc.want)
			}
		})
	}
	t.Run("nobody is staff in a DM", func(t *testing.T) {
		e := newEnv(t)
		in := decodeInteraction(t, dmClick("1180000000000000701", staffID, guildID+":hosted:1:2"))
		req, err := e.a.componentRequest(in)
		if err != nil || req.Staff {
			t.Errorf("got staff %v (%v), want false", req.Staff, err)
		}
	})
}

// TestMalformedInteractions: anything that is not the documented shape is
// answered with a line for the user, never a panic or silence.
func TestMalformedInteractions(t *testing.T) {
	m := member(hostID, plainPerms)
	noGuild := interaction("1180000000000000810", 2, nil, command([]string{"spaces", "status"}))
	delete(noGuild, "guild_id")
	noGuild["user"] = m["user"]
	noUser := interaction("1180000000000000811", 2, nil, command([]string{"spaces", "status"}))
	otherGuild := interaction("1180000000000000812", 3, m, click("1:hosted:1:2"))
	for _, tc := range []struct {
		name    string
		payload map[string]any
		want    string
	}{
		{"option value of the wrong type", interaction("1180000000000000800", 2, m,
			command([]string{"spaces", "log"}, opt("url", 3, map[string]any{"nested": true}))), msgUnreadable},
		{"option given twice", interaction("1180000000000000801", 2, m,
			command([]string{"spaces", "log"}, opt("url", 3, "a"), opt("url", 3, "b"))), msgUnreadable},
		{"subcommands nested too deep", interaction("1180000000000000802", 2, m,
			command([]string{"spaces", "schedule", "add", "more"})), msgUnreadable},
		{"name Discord would not allow", interaction("1180000000000000803", 2, m,
			command([]string{"spaces", "LOG"})), msgUnreadable},
		{"button with a forged custom_id", interaction("1180000000000000804", 3, m, click("no colons")), msgUnreadable},
		{"button of another guild", otherGuild, msgUnreadable},
		{"slash command in a DM", noGuild, msgNoGuild},
		{"no user at all", noUser, msgUnreadable},
		{"modal submit", interaction("1180000000000000805", 5, m, map[string]any{"custom_id": "x", "components": []any{}}), msgUnknown},
		{"unknown command goes to the router", interaction("1180000000000000806", 2, m,
			command([]string{"spaces", "dance"})), "/spaces dance is not a command. See /spaces help."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.interact(tc.payload)
			cb, _ := e.callback(tc.payload["id"].(string))
			if cb.Type != 4 || cb.Data.Flags != 64 || cb.Data.Content != escapeText(tc.want) {
				t.Errorf("got type %d flags %d %q, want an ephemeral %q", cb.Type, cb.Data.Flags, cb.Data.Content, tc.want)
			}
		})
	}
}

func TestPanicsDoNotEscape(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.h.setBefore(func(bot.Request) { panic("boom") })
	e.interact(interaction("1180000000000000900", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	e.interact(interaction("1180000000000000901", 4, member(hostID, plainPerms),
		command([]string{"spaces", "timezone"}, focused("tz", 3, "chi"))))
	if cb, _ := e.callback("1180000000000000900"); cb.Data.Content != escapeText(msgBroken) {
		t.Errorf("command: got %q, want %q", cb.Data.Content, msgBroken)
	}
	if cb, _ := e.callback("1180000000000000901"); cb.Type != 8 || len(cb.Data.Choices) != 0 {
		t.Errorf("autocomplete: got type %d %v, want 8 and no choices", cb.Type, cb.Data.Choices)
	}
	if !strings.Contains(e.logs.String(), "panic") {
		t.Error("the panic was not logged")
	}
}

// TestCommandThatOutrunsTheDeadlineIsDeferred: a command not marked Slow
// that takes longer than deferAfter is deferred, then its reply is edited
// in, so Discord's 3-second deadline holds.
func TestCommandThatOutrunsTheDeadlineIsDeferred(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.a.deferAfter = 0
	release := make(chan struct{})
	e.h.setBefore(func(bot.Request) { <-release })
	e.interact(interaction("1180000000000000950", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	cb, _ := e.callback("1180000000000000950")
	if cb.Type != 5 || cb.Data.Flags != 64 {
		t.Errorf("callback: got type %d flags %d, want 5 and 64", cb.Type, cb.Data.Flags)
	}
	close(release)
	edit := e.fake.Await(t, "the edit", fakediscord.To("PATCH", "/token-1180000000000000950/messages/@original"))
	var got wireMessage
	edit.Decode(&got)
	if !strings.Contains(got.Content, "of 2") {
		t.Errorf("edit: got %q, want the status", got.Content)
	}
}

// TestDeferredReplyForTheChannel: a deferred reply is ephemeral, so a
// response for everyone goes in a follow-up of its own, and the requester
// is told it was posted only once it was; a failed response stays with
// the requester.
func TestDeferredReplyForTheChannel(t *testing.T) {
	refused := fakediscord.Reply{Status: 500, Body: `{"message": "500: Internal Server Error", "code": 0}`}
	for _, tc := range []struct {
		name       string
		resp       bot.Response
		fail       *fakediscord.Reply // the follow-up's fate
		wantPosted bool               // a follow-up reached the channel
		wantEdit   string
	}{
		{"the reply goes in a follow-up", bot.Response{Message: textMessage("Leaderboard for everyone")}, nil, true, msgPosted},
		{"a follow-up Discord refuses is not reported as posted",
			bot.Response{Message: textMessage("Leaderboard for everyone")}, &refused, false, msgNotPosted},
		{"a failed reply stays with the requester",
			bot.Response{Message: textMessage("No cohort here yet."), Failed: true}, nil, false, "No cohort here yet."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.h.next = fixed{tc.resp}
			followups := fakediscord.To("POST", "/webhooks/"+e.fake.AppID+"/token-1180000000000000960")
			if tc.fail != nil {
				e.fake.Fail("POST", fakediscord.Prefix+"/webhooks/"+e.fake.AppID+"/token-1180000000000000960", *tc.fail)
			}
			e.interact(interaction("1180000000000000960", 2, member(hostID, plainPerms), command([]string{"spaces", "leaderboard"})))
			edit := e.fake.Await(t, "the edit", fakediscord.To("PATCH", "/messages/@original"))
			var got wireMessage
			if err := edit.Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got.Content != tc.wantEdit {
				t.Errorf("edit: got %q, want %q", got.Content, tc.wantEdit)
			}
			if tc.wantPosted {
				e.fake.AwaitCount(t, "the follow-up", 1, followups)
			}
			posted := 0 // the follow-up comes before the edit, so this is all of them
			for _, c := range e.fake.Calls() {
				if followups(c) {
					posted++
					if err := c.Decode(&got); err != nil || got.Content != "Leaderboard for everyone" || got.Flags != 0 {
						t.Errorf("follow-up: got %q flags %d (%v), want the reply, not ephemeral", got.Content, got.Flags, err)
					}
				}
			}
			if tc.fail != nil {
				posted-- // the refused attempt
			}
			if got := posted == 1; got != tc.wantPosted {
				t.Errorf("posted in the channel: got %v (%d follow-ups), want %v", got, posted, tc.wantPosted)
			}
		})
	}
}

// TestFailedReplyIsEphemeral: a reply saying the request failed is never
// posted for the whole channel.
func TestFailedReplyIsEphemeral(t *testing.T) {
	e := newEnv(t)
	e.h.next = fixed{bot.Response{Message: textMessage("That Space is already logged."), Failed: true}}
	e.interact(interaction("1180000000000000965", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	if cb, _ := e.callback("1180000000000000965"); cb.Type != 4 || cb.Data.Flags != 64 {
		t.Errorf("callback: got type %d flags %d, want 4 and 64 (ephemeral)", cb.Type, cb.Data.Flags)
	}
}

// TestStoppingGivesUpOnAStuckCommand: when the adapter stops, work still
// waiting on the router after the grace period ends, so Run returns.
func TestStoppingGivesUpOnAStuckCommand(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before newEnv's drain
	e.h.setBefore(func(bot.Request) { <-release })
	e.interact(interaction("1180000000000000966", 2, member(hostID, plainPerms), command([]string{"spaces", "leaderboard"})))
	e.callback("1180000000000000966") // deferred at once: the command is Slow
	e.a.stopWork()                    // what drain does once shutdownGrace has passed
	stopped := make(chan struct{})
	go func() { e.a.work.Wait(); close(stopped) }()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	select {
	case <-stopped:
	case <-timeout.C:
		t.Fatal("the interaction's goroutine still waits on the router after its context ended")
	}
}

// fixed is a handler that always gives the same response.
type fixed struct{ resp bot.Response }

func (f fixed) Handle(context.Context, bot.Request) bot.Response { return f.resp }
func (f fixed) Suggest(context.Context, bot.Request, string, string) []bot.Suggestion {
	return nil
}

// FuzzInteraction feeds arbitrary interaction JSON to the adapter: it must
// never panic, and must answer exactly once whatever it can answer.
func FuzzInteraction(f *testing.F) {
	seed, _ := json.Marshal(readTestdata(f, "interaction_spaces_log.json"))
	f.Add(seed)
	for _, p := range []map[string]any{
		interaction("1180000000000000001", 4, member(hostID, plainPerms), command([]string{"spaces", "timezone"}, focused("tz", 3, "x"))),
		interaction("1180000000000000002", 3, member(hostID, plainPerms), click(guildID+":hosted:1:2")),
		interaction("1180000000000000003", 2, member(hostID, plainPerms), command([]string{"spaces", "schedule", "add"}, opt("days", 3, "tue"))),
	} {
		b, _ := json.Marshal(p)
		f.Add(b)
	}
	e := newEnv(f)
	e.seed()
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in discordgo.Interaction
		if json.Unmarshal(raw, &in) != nil {
			return
		}
		var mu sync.Mutex
		sends := 0
		e.a.interact(context.Background(), &in, responder{files: true, send: func(context.Context, any, []*discordgo.File) error {
			mu.Lock()
			defer mu.Unlock()
			sends++
			return nil
		}})
		want := 1
		if !isSnowflake(in.ID) || !validToken(in.Token) {
			want = 0
		}
		if sends != want {
			t.Errorf("answered %d times, want %d", sends, want)
		}
	})
}

// TestRepliesCarryFiles: a reply with a file goes as multipart, in the
// callback over the gateway; the HTTP endpoint's JSON body cannot carry it,
// so there the reply is deferred and the file comes with the edit.
func TestRepliesCarryFiles(t *testing.T) {
	report := bot.Response{Ephemeral: true}
	report.Add(bot.Line{bot.Text("Stipend report.")})
	report.File = &bot.File{Name: "stipend-2026-12.csv", ContentType: "text/csv", Data: []byte("host,amount\n")}

	e := newEnv(t)
	e.h.next = fixed{report}
	e.interact(interaction("1180000000000000970", 2, member(staffID, managePerms), command([]string{"cohort", "help"})))
	_, c := e.callback("1180000000000000970")
	if len(c.Files) != 1 || c.Files[0] != "stipend-2026-12.csv" || !strings.HasPrefix(c.Header.Get("Content-Type"), "multipart/form-data") {
		t.Errorf("gateway callback: got files %v (%s), want the CSV as multipart", c.Files, c.Header.Get("Content-Type"))
	}

	ep := newEndpoint(t)
	ep.h.next = fixed{report}
	body, _ := json.Marshal(interaction("1180000000000000971", 2, member(staffID, managePerms), command([]string{"cohort", "help"})))
	_, got := ep.post(t, body, ep.priv, ep.clock.Now())
	var cb callback
	if json.Unmarshal(got, &cb); cb.Type != 5 || cb.Data.Flags != 64 {
		t.Errorf("HTTP body: got %s, want a deferred ephemeral response", got)
	}
	edit := ep.fake.Await(t, "the edit", fakediscord.To("PATCH", "/token-1180000000000000971/messages/@original"))
	if len(edit.Files) != 1 || string(edit.Data[0]) != "host,amount\n" {
		t.Errorf("edit: got files %v %q, want the CSV", edit.Files, edit.Data)
	}
}
