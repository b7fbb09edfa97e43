package bot_test

import (
	"testing"

	"sparkbot/bot"
)

func TestTopSpaces(t *testing.T) {
	logs := []bot.SpaceLog{
		{SpaceID: "a", Listeners: 10}, {SpaceID: "b", Listeners: 0}, {SpaceID: "c", Listeners: 50},
		{SpaceID: "d", Listeners: 10}, {SpaceID: "e", Listeners: 5},
	}
	tests := []struct {
		n    int
		want string
	}{
		{0, ""}, {1, "c"}, {3, "cad"}, {10, "cade"},
	}
	for _, tt := range tests {
		got := ""
		for _, l := range bot.TopSpaces(logs, tt.n) {
			got += l.SpaceID
		}
		if got != tt.want {
			t.Errorf("TopSpaces(n=%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if logs[0].SpaceID != "a" || logs[2].SpaceID != "c" {
		t.Error("TopSpaces reordered its argument")
	}
}
