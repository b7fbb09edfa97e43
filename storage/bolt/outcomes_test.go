package bolt

import (
	"context"
	"reflect"
	"testing"

	"sparkbot/bot"
)

func TestOutcomesByPrefix(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	for _, key := range []string{"discord:1/announce/1/post", "discord:1/announce/1/dm/alice", "discord:1/announce/2/post", "discord:10/announce/1/post", "discord:1/welcome/alice/1"} {
		if err := db.FinishJob(ctx, bot.Outcome{Key: key, Kind: bot.JobAnnounce, Workspace: tokenWS, Result: bot.Sent, At: tokenTime}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Outcomes(ctx, "discord:1/announce/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range got {
		keys = append(keys, o.Key)
	}
	want := []string{"discord:1/announce/1/dm/alice", "discord:1/announce/1/post", "discord:1/announce/2/post"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("Outcomes = %v, want %v", keys, want)
	}
}
