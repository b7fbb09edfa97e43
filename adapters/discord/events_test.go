package discord

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sparkbot/adapters/discord/fakediscord"
	"sparkbot/bot"
)

func owls(e *env, day int) Event {
	start := e.clock.Now().Add(time.Duration(day) * 24 * time.Hour)
	return Event{
		Key: fmt.Sprintf("1:%d", start.Unix()), Title: "Owls @everyone", HostID: hostID,
		Location: "https://x.com/mason_x", Start: start, End: start.Add(time.Hour),
	}
}

func TestSyncEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first, second := owls(e, 1), owls(e, 3)
	past := owls(e, -1)

	if err := e.a.SyncEvents(ctx, e.ws, []Event{first, second, past}); err != nil {
		t.Fatal(err)
	}
	evs := e.fake.Events(guildID)
	if len(evs) != 2 {
		t.Fatalf("got %d events, want 2 (the past one skipped)", len(evs))
	}
	if got := evs[0]; got["name"] != "Owls @everyone" || got["entity_type"] != float64(3) ||
		got["entity_metadata"].(map[string]any)["location"] != "https://x.com/mason_x" ||
		got["scheduled_start_time"] != first.Start.UTC().Format(time.RFC3339) || got["channel_id"] != nil {
		t.Errorf("event: got %v, want an EXTERNAL event at the host's X profile", got)
	}

	calls := len(e.fake.Calls())
	if err := e.a.SyncEvents(ctx, e.ws, []Event{second, first}); err != nil {
		t.Fatal(err)
	}
	if got := len(e.fake.Calls()) - calls; got != 1 {
		t.Errorf("an unchanged sync made %d calls, want 1 (the list)", got)
	}

	moved := second
	moved.Start, moved.End = second.Start.Add(time.Hour), second.End.Add(time.Hour)
	if err := e.a.SyncEvents(ctx, e.ws, []Event{moved}); err != nil {
		t.Fatal(err)
	}
	evs = e.fake.Events(guildID)
	if len(evs) != 1 || evs[0]["scheduled_start_time"] != moved.Start.UTC().Format(time.RFC3339) {
		t.Errorf("after moving one and dropping one: got %v", evs)
	}
	if e.fake.Count(fakediscord.To("DELETE", "")) != 1 || e.fake.Count(fakediscord.To("PATCH", "")) != 1 {
		t.Errorf("want one delete and one edit; calls: %v", e.fake.Calls())
	}
}

func TestSyncEventsStaysUnderDiscordsLimit(t *testing.T) {
	e := newEnv(t)
	for i := range 98 {
		e.fake.AddEvent(guildID, map[string]any{
			"name": fmt.Sprintf("Town hall %d", i), "status": 1, "entity_type": 2, "description": "not ours",
			"scheduled_start_time": e.clock.Now().Add(time.Hour).Format(time.RFC3339),
		})
	}
	var want []Event
	for day := range 5 {
		want = append(want, owls(e, 5-day))
	}
	if err := e.a.SyncEvents(context.Background(), e.ws, want); err != nil {
		t.Fatal(err)
	}
	evs := e.fake.Events(guildID)
	var ours []string
	for _, ev := range evs {
		if strings.Contains(ev["description"].(string), eventMark) {
			ours = append(ours, ev["scheduled_start_time"].(string))
		}
	}
	if len(evs) != 100 || len(ours) != 2 || ours[0] != owls(e, 1).Start.UTC().Format(time.RFC3339) {
		t.Errorf("got %d events, ours %v; want 100 with our two earliest", len(evs), ours)
	}
}

func TestSyncEventsWithoutPermission(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail("POST", fakediscord.Prefix+"/guilds/"+guildID+"/scheduled-events",
		fakediscord.Reply{Status: 403, Body: `{"message": "Missing Permissions", "code": 50013}`})
	err := e.a.SyncEvents(context.Background(), e.ws, []Event{owls(e, 1)})
	if de, ok := bot.AsDeliveryError(err); !ok || !de.Permanent || !strings.Contains(de.Reason, "Manage Events") {
		t.Errorf("got %v, want a permanent failure asking for Manage Events", err)
	}
}

// TestSyncEventsRemovesADuplicate: two events of one key (two syncs that
// ran at once) become one.
func TestSyncEventsRemovesADuplicate(t *testing.T) {
	e := newEnv(t)
	first := owls(e, 1)
	for range 2 {
		e.fake.AddEvent(guildID, map[string]any{
			"name": first.Title, "status": 1, "entity_type": 3, "description": eventParams(first).Description,
			"scheduled_start_time": first.Start.UTC().Format(time.RFC3339),
			"scheduled_end_time":   first.End.UTC().Format(time.RFC3339),
			"entity_metadata":      map[string]any{"location": first.Location},
		})
	}
	if err := e.a.SyncEvents(context.Background(), e.ws, []Event{first}); err != nil {
		t.Fatal(err)
	}
	if evs := e.fake.Events(guildID); len(evs) != 1 {
		t.Errorf("got %d events, want 1", len(evs))
	}
}
