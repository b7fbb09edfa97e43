package bot_test

import (
	"testing"

	"sparkbot/bot"
)

// TestWorkspaceOfKey: a workspace's Key reads back as the same workspace
// (an id may hold colons); a key without one is refused.
func TestWorkspaceOfKey(t *testing.T) {
	for _, ws := range []bot.WorkspaceRef{
		{Platform: bot.Discord, ID: "123456789012345678"},
		{Platform: bot.Slack, ID: "T0001"},
		{Platform: bot.Console, ID: "a:b"},
		{Platform: bot.Console, ID: ""},
	} {
		if got, ok := bot.WorkspaceOfKey(ws.Key()); !ok || got != ws {
			t.Errorf("WorkspaceOfKey(%q) = %+v, %v; want %+v", ws.Key(), got, ok, ws)
		}
	}
	if got, ok := bot.WorkspaceOfKey("slackT0001"); ok {
		t.Errorf("WorkspaceOfKey(%q) = %+v, true; want not ok", "slackT0001", got)
	}
}
