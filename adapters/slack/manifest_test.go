package slack_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sparkbot/bot"
)

// The app manifest offers exactly the command table's groups, each with
// escaping on, and asks for the scopes the adapter's calls need.
func TestManifestMatchesTheCommandTable(t *testing.T) {
	raw, err := os.ReadFile("../../slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	manifest := string(raw)
	var commands []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- command: /(\S+)`).FindAllStringSubmatch(manifest, -1) {
		commands = append(commands, m[1])
	}
	if got, want := commands, bot.Groups(); !slices.Equal(got, want) {
		t.Errorf("manifest slash commands %v, want the command table's groups %v", got, want)
	}
	if got := strings.Count(manifest, "should_escape: true"); got != len(commands) {
		t.Errorf("%d commands escape, want all %d", got, len(commands))
	}
	for _, scope := range []string{"commands", "chat:write", "im:write", "users:read", "usergroups:read", "files:write", "channels:read"} {
		if !regexp.MustCompile(`(?m)^\s*- ` + regexp.QuoteMeta(scope) + `(\s|$)`).MatchString(manifest) {
			t.Errorf("manifest lacks the %s scope", scope)
		}
	}
	for _, setting := range []string{"socket_mode_enabled: true", "is_enabled: true"} {
		if !strings.Contains(manifest, setting) {
			t.Errorf("manifest lacks %s", setting)
		}
	}
}
