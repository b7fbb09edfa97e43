package bolt

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var (
	codecAt   = time.Date(2026, 12, 1, 20, 0, 0, 5, time.UTC)
	codecHost = bot.Host{UserID: "u1", Name: "Ada", Handle: "ada_x", Zone: "Europe/Paris", PlatformZone: "America/Chicago",
		Memberships:  []bot.Membership{{Cohort: 1, Joined: codecAt, Left: codecAt.Add(time.Hour)}, {Cohort: 2, Joined: codecAt.Add(48 * time.Hour)}},
		RemindersOff: true, Leads: []time.Duration{time.Hour, 10 * time.Minute},
		Quiet:   bot.QuietHours{Start: bot.TimeOfDay{Hour: 23, Minute: 30}, End: bot.TimeOfDay{Hour: 7}, Off: true},
		Excused: map[string]string{"2026-12-07": "flu", "2026-11-30": "travel"}}
	codecSchedule = bot.Schedule{ID: 7, Number: 3, UserID: "u1", Title: "Mic — 🎙", Days: bot.Weekdays(0).With(time.Monday).With(time.Friday),
		At: bot.TimeOfDay{Hour: 20, Minute: 30}, Duration: 90 * time.Minute, Zone: "America/New_York", Paused: true,
		PausedUntil: bot.Date{Year: 2026, Month: 12, Day: 24}, Skips: []bot.Date{{Year: 2026, Month: 12, Day: 25}, {Year: 2027, Month: 1, Day: 1}},
		CreatedAt: codecAt}
)

// A host and a schedule keep every field, and nil and empty lists and
// maps apart (nil Leads mean the defaults). A field added to bot.Host or
// bot.Schedule fails the field counts until hostcodec.go keeps it.
func TestHostAndScheduleRecordsRoundTrip(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{
		reflect.TypeOf(bot.Host{}): 10, reflect.TypeOf(bot.Membership{}): 3, reflect.TypeOf(bot.QuietHours{}): 3,
		reflect.TypeOf(bot.Schedule{}): 12, reflect.TypeOf(bot.TimeOfDay{}): 2, reflect.TypeOf(bot.Date{}): 3,
	} {
		if n := typ.NumField(); n != fields {
			t.Errorf("bot.%s has %d fields, hostcodec.go keeps %d: store the new one there (and count it here)", typ.Name(), n, fields)
		}
	}
	hosts := []bot.Host{codecHost, {UserID: "u2"}, {UserID: "u3", Memberships: []bot.Membership{}, Leads: []time.Duration{}, Excused: map[string]string{}}}
	for _, h := range hosts {
		data, err := encodeHost(h)
		must(t, err)
		got, err := decodeHost([]byte(h.UserID), data)
		must(t, err)
		if !reflect.DeepEqual(got, h) {
			t.Errorf("host: got  %+v\nwant %+v", got, h)
		}
		checkTruncations(t, data, func(d []byte) error { _, err := decodeHost([]byte(h.UserID), d); return err })
	}
	schedules := []bot.Schedule{codecSchedule, {ID: 8}, {ID: 9, Skips: []bot.Date{}}}
	for _, s := range schedules {
		data, err := encodeSchedule(s)
		must(t, err)
		got, err := decodeSchedule(idKey(s.ID), data)
		must(t, err)
		if !reflect.DeepEqual(got, s) {
			t.Errorf("schedule: got  %+v\nwant %+v", got, s)
		}
		checkTruncations(t, data, func(d []byte) error { _, err := decodeSchedule(idKey(s.ID), d); return err })
	}
}

// checkTruncations: every cut of data, and data with a byte more, fails
// to decode.
func checkTruncations(t *testing.T, data []byte, decode func([]byte) error) {
	t.Helper()
	for n := range data {
		if decode(data[:n]) == nil {
			t.Errorf("cut to %d of %d bytes, it decoded", n, len(data))
		}
	}
	if decode(append(data, 0)) == nil {
		t.Errorf("with a byte more, it decoded")
	}
}

func FuzzDecodeHost(f *testing.F) {
	data, _ := encodeHost(codecHost)
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		if h, err := decodeHost([]byte("u1"), data); err == nil && !isJSON(data) {
			again, _ := encodeHost(h)
			if back, err := decodeHost([]byte("u1"), again); err != nil || !reflect.DeepEqual(back, h) {
				t.Fatalf("%+v re-encoded reads back as %+v, %v", h, back, err)
			}
		}
	})
}

func FuzzDecodeSchedule(f *testing.F) {
	data, _ := encodeSchedule(codecSchedule)
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := decodeSchedule(idKey(7), data); err == nil && !isJSON(data) {
			again, _ := encodeSchedule(s)
			if back, err := decodeSchedule(idKey(7), again); err != nil || !reflect.DeepEqual(back, s) {
				t.Fatalf("%+v re-encoded reads back as %+v, %v", s, back, err)
			}
		}
	})
}

// A schema-8 file keeps hosts and schedules as JSON. Opened, they are
// binary and read back as they were: more than one chunk of hosts.
func TestHostsAndSchedulesBecomeBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, 8)
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	n := recordsPerChunk + 3
	must(t, b.Update(func(tx *bbolt.Tx) error {
		hb, err := writableBuckets(tx, ws, hostsBucket)
		if err != nil {
			return err
		}
		for i := range n {
			h := codecHost
			h.UserID = fmt.Sprintf("u%06d", i)
			data, err := json.Marshal(storedHost(h))
			must(t, err)
			must(t, hb[0].Put([]byte(h.UserID), data))
		}
		sb, err := writableScheduleBuckets(tx, ws)
		if err != nil {
			return err
		}
		data, err := json.Marshal(storedSchedule(codecSchedule))
		must(t, err)
		must(t, sb.byID.Put(idKey(codecSchedule.ID), data))
		return sb.byUser.Put(scheduleIndexKey(codecSchedule), []byte{})
	}))
	must(t, b.Close())

	db := openAt(t, path)
	hosts, err := db.Hosts(t.Context(), ws)
	must(t, err)
	if len(hosts) != n {
		t.Fatalf("got %d hosts, want %d", len(hosts), n)
	}
	for _, h := range []bot.Host{hosts[0], hosts[n-1]} {
		want := codecHost
		want.UserID = h.UserID
		if !reflect.DeepEqual(h, want) {
			t.Errorf("got  %+v\nwant %+v", h, want)
		}
	}
	got, err := db.Schedule(t.Context(), ws, codecSchedule.ID)
	must(t, err)
	if !reflect.DeepEqual(got, codecSchedule) {
		t.Errorf("got  %+v\nwant %+v", got, codecSchedule)
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		for _, v := range [][]byte{bucket(tx, ws, hostsBucket).Get([]byte("u000000")), bucket(tx, ws, schedulesBucket).Get(idKey(7))} {
			if isJSON(v) {
				t.Errorf("still JSON: %s", v)
			}
		}
		return nil
	}))
}
