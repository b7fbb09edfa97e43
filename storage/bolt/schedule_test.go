package bolt

import (
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// Schedules stored before per-host numbers (schema 4) get them on open:
// each host's 1, 2, … in ID order, as their list always showed them.
func TestOpenNumbersSchedules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	db := openAt(t, path)
	other := bot.WorkspaceRef{Platform: bot.Slack, ID: "T1"}
	for _, s := range []struct {
		ws   bot.WorkspaceRef
		user string
	}{{ws, "alice"}, {ws, "bob"}, {ws, "alice"}, {other, "alice"}, {ws, "bob"}} {
		if _, err := db.AddSchedule(t.Context(), s.ws, bot.Schedule{UserID: s.user, Title: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	// Rewrite them as schema 4 kept them: without a Number.
	must(t, db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, w := range []bot.WorkspaceRef{ws, other} {
			b := bucket(tx, w, schedulesBucket)
			list, err := allRecords(b, decodeSchedule)
			if err != nil {
				return err
			}
			for _, s := range list {
				if err := b.Put(idKey(s.ID), []byte(`{"UserID":"`+s.UserID+`","Title":"t"}`)); err != nil {
					return err
				}
			}
		}
		return putSchema(tx.Bucket(metaBucket), 4)
	}))
	must(t, db.Close())

	db = openAt(t, path)
	for _, tt := range []struct {
		ws   bot.WorkspaceRef
		user string
		want []int
	}{{ws, "alice", []int{1, 2}}, {ws, "bob", []int{1, 2}}, {other, "alice", []int{1}}} {
		list, err := db.SchedulesOf(t.Context(), tt.ws, tt.user)
		must(t, err)
		var got []int
		for _, s := range list {
			got = append(got, s.Number)
		}
		if len(got) != len(tt.want) || got[0] != tt.want[0] || got[len(got)-1] != tt.want[len(tt.want)-1] {
			t.Errorf("%s in %s: numbers %v, want %v", tt.user, tt.ws.Key(), got, tt.want)
		}
	}
	added, err := db.AddSchedule(t.Context(), ws, bot.Schedule{UserID: "alice"})
	must(t, err)
	if added.Number != 3 {
		t.Errorf("alice's next schedule is #%d, want #3", added.Number)
	}
}
