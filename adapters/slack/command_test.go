package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"sparkbot/adapters/slack/fakeslack"
	"sparkbot/bot"
)

func TestSpacesLogInHTTPMode(t *testing.T) {
	h := newHarness(t)
	h.withCohort()

	r := h.must(alice, "spaces log url:https://x.com/i/spaces/1eaKbrPAqbwKX listeners:120", "Logged Space 1eaKbrPAqbwKX")

	c := fakeslack.Receive(t, h.seen.calls)
	want := bot.Request{
		Workspace: bot.WorkspaceRef{Platform: bot.Slack, ID: fakeslack.TeamID},
		UserID:    alice, UserName: "Alice", UserZone: "America/Chicago", Channel: general,
		Path:    []string{"spaces", "log"},
		Options: map[string]string{"url": "https://x.com/i/spaces/1eaKbrPAqbwKX", "listeners": "120"},
	}
	if got := resolved(c.req); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("routed request:\n got %+v\nwant %+v", got, want)
	}
	if r.ResponseType != "ephemeral" {
		t.Errorf("response_type %q, want ephemeral: a personal reply", r.ResponseType)
	}
	// The start time is a Slack date, read in each reader's zone, with the
	// host's own zone (from their Slack profile) as the fallback.
	unix := h.clock.Now().Unix()
	if date := fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|Tue 1 Dec 09:00 CST>", unix); !strings.Contains(r.Text, date) {
		t.Errorf("reply %q\nwant the start time as %s", r.Text, date)
	}
	if got := r.blockTypes(); len(got) == 0 || got[0] != "section" {
		t.Errorf("blocks %v, want sections", got)
	}
}

func TestHelpIsGeneratedFromTheCommandTable(t *testing.T) {
	h := newHarness(t)
	for _, text := range []string{"spaces help", "spaces", "spaces nonsense"} {
		r := h.slash(bob, text)
		switch text {
		case "spaces nonsense":
			if !strings.Contains(r.Text, "See /spaces help") {
				t.Errorf("/%s: got %q, want a pointer to /spaces help", text, r.Text)
			}
		default:
			for _, c := range bot.Commands() {
				if c.Path[0] == "spaces" && c.Path[len(c.Path)-1] != "help" && !strings.Contains(r.Raw, "/"+c.Name()) {
					t.Errorf("/%s: help lacks /%s", text, c.Name())
				}
			}
		}
	}
}

func TestStaffCommandsNeedStaff(t *testing.T) {
	for _, tc := range []struct {
		name    string
		user    string
		refused bool
	}{
		{"a member", bob, true},
		{"a host", alice, true},
		{"a staff id from SPARKBOT_SLACK_STAFF", staffer, false},
		{"a workspace admin", admin, false},
		{"the workspace owner", owner, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.slash(tc.user, `cohort create name:"Spark Phase 1" start:2026-11-30`)
			if got := strings.Contains(r.Text, "for program staff only"); got != tc.refused {
				t.Errorf("reply %q; refused %v, want %v", r.Text, got, tc.refused)
			}
			if c := resolved(fakeslack.Receive(t, h.seen.calls).req); c.Staff == tc.refused {
				t.Errorf("Request.Staff = %v, want %v", c.Staff, !tc.refused)
			}
		})
	}
}

// Admin status is cached, and re-read once the cache expires.
func TestAdminStatusIsCachedWithExpiry(t *testing.T) {
	h := newHarness(t)
	staff := func() bool {
		h.slash(admin, "cohort applications")
		return resolved(fakeslack.Receive(t, h.seen.calls).req).Staff
	}
	if !staff() {
		t.Fatal("an admin is not staff")
	}
	h.fake.AddUser(slackgo.User{ID: admin, Name: "ada"}) // demoted
	if !staff() {
		t.Error("the demotion was seen before the cache expired")
	}
	if got := h.fake.Calls("users.info"); got != 1 {
		t.Errorf("users.info called %d times, want 1: the second command should use the cache", got)
	}
	h.clock.Advance(11 * time.Minute)
	if staff() {
		t.Error("still staff after the cache expired and the user was demoted")
	}
}

// A host's /spaces log and /spaces status ask users.info nothing once the
// host's zone is on record: a burst of hosts logging costs Slack's rate
// limit nothing and waits on no round trip. Other commands still ask.
func TestHostsLogWithoutAskingUsersInfo(t *testing.T) {
	h := newHarness(t)
	h.withCohort()
	h.must(alice, "spaces status", "This week")
	if got := h.fake.Calls("users.info"); got != 1 {
		t.Fatalf("users.info called %d times, want 1: alice has no zone on record yet", got)
	}
	h.clock.Advance(11 * time.Minute) // past the cache
	h.must(alice, "spaces log url:https://x.com/i/spaces/1eaKbrPAqbwKX", "Logged Space 1eaKbrPAqbwKX")
	h.must(alice, "spaces status", "This week")
	if got := h.fake.Calls("users.info"); got != 1 {
		t.Errorf("users.info called %d times, want still 1: her zone is on record", got)
	}
	h.must(alice, "spaces history", "past weeks")
	if got := h.fake.Calls("users.info"); got != 2 {
		t.Errorf("users.info called %d times, want 2: /spaces history gets the profile", got)
	}
}

// A ping attempt in text a user typed reaches Slack as plain words: no
// <!channel>, <!here>, <!subteam^…> or <@U…>, and @everyone cannot link.
func TestPingAttemptsInUserTextAreNeutralised(t *testing.T) {
	h := newHarness(t)
	h.withCohort()
	// With escaping on, Slack sends what alice typed as @channel,
	// @design and @bob as markup, and her literal "<!here>" as entities.
	title := `<!channel> party &lt;!here&gt; <!subteam^S0DESIGN|@design> <@U0BOB|bob> @everyone &amp; friends`
	r := h.must(alice, `spaces log url:1eaKbrPAqbwKX title:"`+title+`"`, "Logged Space")

	if got := fakeslack.Receive(t, h.seen.calls).req.Options["title"]; got != "@channel party <!here> @design @bob @everyone & friends" {
		t.Errorf("title routed as %q, want the words alice typed", got)
	}
	for _, ping := range []string{"<!channel>", "<!here", "<!subteam", "<@U0BOB", "<!everyone", "@everyone", "@channel"} {
		if strings.Contains(r.Raw, ping) {
			t.Errorf("reply carries %q:\n%s", ping, r.Raw)
		}
	}
	if !strings.Contains(r.Text, "&lt;!here&gt;") || !strings.Contains(r.Text, "&amp; friends") {
		t.Errorf("reply %q: want the typed text shown, escaped", r.Text)
	}
}

// A Slow command is acknowledged at once and answered on its response_url.
func TestSlowCommandsAnswerLater(t *testing.T) {
	h := newHarness(t)
	h.withCohort()
	r := h.slash(alice, "spaces leaderboard")
	if !strings.Contains(r.Text, "Working on it") {
		t.Errorf("ack %q, want a holding reply", r.Text)
	}
	hook := fakeslack.Receive(t, h.fake.Hooks)
	if hook.ID != alice || hook.Msg.Text == "" {
		t.Errorf("response_url got %+v, want the leaderboard for alice", hook)
	}
}

// A command still running when the ack is due is acknowledged empty, and
// its answer follows on the response_url.
func TestCommandsOverTheAckBudgetAnswerLater(t *testing.T) {
	h := newHarness(t)
	gate := h.seen.hold()
	acked := make(chan int, 1)
	go func() {
		status, body := h.do(h.signed("/slack/commands", h.command(bob, "spaces help").Encode()))
		if body != "" {
			t.Errorf("late ack body %q, want empty", body)
		}
		acked <- status
	}()
	budget := fakeslack.Receive(t, h.timers)
	if budget.d > 3*time.Second {
		t.Errorf("ack budget %v, want under Slack's 3s", budget.d)
	}
	budget.fire <- time.Time{}
	if status := fakeslack.Receive(t, acked); status != http.StatusOK {
		t.Errorf("ack status %d, want 200", status)
	}
	close(gate)
	hook := fakeslack.Receive(t, h.fake.Hooks)
	if !strings.Contains(hook.Msg.Text, "/spaces log") {
		t.Errorf("response_url got %q, want the help", hook.Msg.Text)
	}
}

// A reply's file goes to the requester's DMs, not the channel.
func TestReplyFilesGoToDMs(t *testing.T) {
	h := newHarnessWith(t, handlerFunc(func(_ context.Context, req bot.Request) bot.Response {
		r := bot.Reply("Here is the report.")
		r.File = &bot.File{Name: "stipend-2026-12.csv", ContentType: "text/csv", Data: []byte("host,spaces\nalice,9\n")}
		return r
	}))
	r := h.slash(staffer, "cohort applications")
	up := fakeslack.Receive(t, h.fake.Uploads)
	if up.Channel != "D0STAFF" || up.Name != "stipend-2026-12.csv" || string(up.Data) != "host,spaces\nalice,9\n" {
		t.Errorf("upload %+v, want the CSV in the staffer's DM", up)
	}
	if !strings.Contains(r.Text, "stipend-2026-12.csv is in your DMs") {
		t.Errorf("reply %q, want it to say where the file went", r.Text)
	}
}

func TestReplyBlocksUseBlockKit(t *testing.T) {
	h := newHarnessWith(t, handlerFunc(func(context.Context, bot.Request) bot.Response {
		var m bot.Message
		m.Section("Week of 30 Nov")
		m.Addf("%s logged %d", bot.UserRef(alice), 2)
		return bot.Response{Message: m}
	}))
	r := h.slash(staffer, "cohort applications")
	if got, want := r.blockTypes(), []string{"header", "section"}; !slices.Equal(got, want) {
		t.Errorf("blocks %v, want %v", got, want)
	}
	if r.ResponseType != "in_channel" || !strings.Contains(r.Text, "@Alice logged 2") {
		t.Errorf("reply %+v, want an in-channel report naming Alice without a mention", r)
	}
}
