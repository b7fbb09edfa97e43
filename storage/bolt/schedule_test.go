package bolt

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
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

// A schema-10 file's schedules by user index entries are empty, and may
// name a schedule that is gone or miss one that is there. Opened, the
// index names exactly the schedules there are, each entry holding its
// record, and a host's schedules read back as they were: in two
// workspaces, one of which never stored a schedule.
func TestScheduleIndexHoldsRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, 10)
	other, empty := bot.WorkspaceRef{Platform: bot.Slack, ID: "T1"}, bot.WorkspaceRef{Platform: bot.Slack, ID: "T2"}
	want := map[bot.WorkspaceRef]map[string][]bot.Schedule{}
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bbolt.Tx) error {
		if _, err := writableBuckets(tx, empty, hostsBucket); err != nil {
			return err
		}
		for _, w := range []bot.WorkspaceRef{ws, other} {
			sb, err := writableScheduleBuckets(tx, w)
			if err != nil {
				return err
			}
			want[w] = map[string][]bot.Schedule{}
			for i := range 40 {
				s := codecSchedule
				s.ID, s.Number, s.UserID = int64(i+1), i/3+1, fmt.Sprintf("u%d", i%3)
				must(t, sb.byID.Put(idKey(s.ID), encodeBinarySchedule(s)))
				if i != 5 { // missing from the index
					must(t, sb.byUser.Put(scheduleIndexKey(s), []byte{}))
				}
				want[w][s.UserID] = append(want[w][s.UserID], s)
			}
			gone := bot.Schedule{ID: 99, UserID: "u1"}
			must(t, sb.byUser.Put(scheduleIndexKey(gone), []byte{}))
		}
		return nil
	}))
	must(t, b.Close())

	db := openAt(t, path)
	for w, users := range want {
		for user, list := range users {
			got, err := db.SchedulesOf(t.Context(), w, user)
			must(t, err)
			if !reflect.DeepEqual(got, list) {
				t.Errorf("%s's schedules in %s:\ngot  %+v\nwant %+v", user, w.Key(), got, list)
			}
		}
		checkScheduleIndex(t, db, w, 40)
	}
	if list, err := db.SchedulesOf(t.Context(), empty, "u1"); err != nil || len(list) != 0 {
		t.Errorf("schedules in a workspace without any: got %v, %v", list, err)
	}
}

// checkScheduleIndex checks that ws's schedules by user index names
// exactly its n schedules, each entry holding the bytes of its record.
func checkScheduleIndex(t *testing.T, db *DB, w bot.WorkspaceRef, n int) {
	t.Helper()
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		b := readScheduleBuckets(tx, w)
		entries := 0
		err := b.byUser.ForEach(func(k, v []byte) error {
			entries++
			s, err := decodeSchedule(k[len(k)-idKeyLen:], v)
			if err != nil {
				return err
			}
			if record := b.byID.Get(idKey(s.ID)); !bytes.Equal(v, record) || !bytes.Equal(k, scheduleIndexKey(s)) {
				t.Errorf("index entry %q holds %q, want %q under %q", k, v, record, scheduleIndexKey(s))
			}
			return nil
		})
		if entries != n || b.byID.Stats().KeyN != n {
			t.Errorf("%s: %d index entries, %d schedules; want %d of each", w.Key(), entries, b.byID.Stats().KeyN, n)
		}
		return err
	}))
}

// Every write of a schedule (add, replace, move to another host, delete)
// keeps its index entry's record the same as the schedules bucket's.
func TestScheduleWritesKeepTheIndexInStep(t *testing.T) {
	db := openAt(t, filepath.Join(t.TempDir(), "sparkbot.db"))
	ctx := t.Context()
	var ids []int64
	for _, user := range []string{"alice", "bob", "alice"} {
		s, err := db.AddSchedule(ctx, ws, bot.Schedule{UserID: user, Title: "Mic", Zone: "UTC"})
		must(t, err)
		ids = append(ids, s.ID)
	}
	checkScheduleIndex(t, db, ws, 3)
	paused := bot.Schedule{ID: ids[0], UserID: "alice", Title: "Mic, paused", Zone: "UTC", Paused: true}
	must(t, db.PutSchedule(ctx, ws, paused))
	checkScheduleIndex(t, db, ws, 3)
	moved := bot.Schedule{ID: ids[2], UserID: "bob", Title: "Mic", Zone: "UTC"}
	must(t, db.PutSchedule(ctx, ws, moved))
	checkScheduleIndex(t, db, ws, 3)
	must(t, db.DeleteSchedule(ctx, ws, ids[1]))
	checkScheduleIndex(t, db, ws, 2)
	for user, want := range map[string][]string{"alice": {"Mic, paused"}, "bob": {"Mic"}} {
		list, err := db.SchedulesOf(ctx, ws, user)
		must(t, err)
		var got []string
		for _, s := range list {
			got = append(got, s.Title)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s's schedules: got %q, want %q", user, got, want)
		}
	}
}
