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

// A schema-6 file keeps logs as JSON, with empty index entries. Opened,
// its logs are binary, in the logs bucket and in their user index
// entries, and read back as they were: more than one chunk of them, in
// two workspaces.
func TestLogsBecomeBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, 6)
	other := bot.WorkspaceRef{Platform: bot.Slack, ID: "T1"}
	start := time.Date(2026, 12, 1, 20, 0, 0, 0, time.FixedZone("", -5*3600))
	var want []bot.SpaceLog
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bbolt.Tx) error {
		for _, w := range []bot.WorkspaceRef{ws, other} {
			lb, err := writableLogBuckets(tx, w)
			if err != nil {
				return err
			}
			n := 3
			if w == ws {
				n = recordsPerChunk + 7
			}
			for i := range n {
				l := bot.SpaceLog{SpaceID: fmt.Sprintf("1s%06d", i), UserID: fmt.Sprintf("u%d", i%13), Title: "Show",
					Start: start.Add(time.Duration(i) * time.Hour), Listeners: i, Minutes: 60, LoggedAt: start,
					ScheduleID: int64(i % 3), Provenance: bot.Provenance(1 + i%4), Forced: i%5 == 0}
				data, err := json.Marshal(storedLog(l))
				if err != nil {
					return err
				}
				must(t, lb.bySpace.Put([]byte(l.SpaceID), data))
				must(t, lb.byTime.Put(timeIndexKey(l), []byte{}))
				must(t, lb.byUser.Put(userIndexKey(l), []byte{}))
				if w == ws && i < 50 {
					want = append(want, l)
				}
			}
		}
		return nil
	}))
	must(t, b.Close())

	db := openAt(t, path)
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		for _, w := range []bot.WorkspaceRef{ws, other} {
			lb := readLogBuckets(tx, w)
			c := lb.byUser.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				spaceID := k[len(k)-len("1s000000"):]
				if len(v) == 0 || v[0] != logFormat || string(lb.bySpace.Get(spaceID)) != string(v) {
					t.Fatalf("%s %s: index holds %q, logs bucket %q; want the same binary record", w.Key(), spaceID, v, lb.bySpace.Get(spaceID))
				}
			}
		}
		return nil
	}))
	for _, l := range want {
		got, err := db.Log(t.Context(), ws, l.SpaceID)
		must(t, err)
		l.Start, l.LoggedAt = l.Start.UTC(), l.LoggedAt.UTC()
		if !reflect.DeepEqual(got, l) {
			t.Fatalf("got  %+v\nwant %+v", got, l)
		}
		logs, err := db.LogsOf(t.Context(), ws, l.UserID, l.Start, l.Start.Add(time.Nanosecond))
		must(t, err)
		if len(logs) != 1 || !reflect.DeepEqual(logs[0], l) {
			t.Fatalf("LogsOf(%s at %s) = %+v, want %+v", l.UserID, l.Start, logs, l)
		}
	}
	all, err := db.Logs(t.Context(), ws, time.Time{}, start.AddDate(10, 0, 0))
	must(t, err)
	if len(all) != recordsPerChunk+7 {
		t.Errorf("got %d logs, want %d", len(all), recordsPerChunk+7)
	}
}

// Every field of bot.SpaceLog is in the binary form: a field added to the
// type fails this test until logcodec.go keeps it.
func TestLogCodecKeepsEveryField(t *testing.T) {
	var l bot.SpaceLog
	v := reflect.ValueOf(&l).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("field %d", i))
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(1000 + i))
		case reflect.Uint8:
			f.SetUint(uint64(1 + i%4))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Struct:
			if f.Type() != reflect.TypeOf(time.Time{}) {
				t.Fatalf("SpaceLog.%s is a %s: teach logcodec.go (and this test) to keep it", v.Type().Field(i).Name, f.Type())
			}
			f.Set(reflect.ValueOf(time.Date(2026, 12, 1, 20, i, 0, i, time.UTC)))
		default:
			t.Fatalf("SpaceLog.%s is a %s: teach logcodec.go (and this test) to keep it", v.Type().Field(i).Name, f.Type())
		}
	}
	data, err := encodeLog(l)
	must(t, err)
	got, err := decodeLog([]byte(l.SpaceID), data)
	must(t, err)
	for i := range v.NumField() {
		if want, have := v.Field(i).Interface(), reflect.ValueOf(got).Field(i).Interface(); !reflect.DeepEqual(have, want) {
			t.Errorf("SpaceLog.%s: stored %v, read back %v: logcodec.go does not keep it", v.Type().Field(i).Name, want, have)
		}
	}
}
