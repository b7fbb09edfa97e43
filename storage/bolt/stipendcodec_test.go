package bolt

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

var codecIssue = bot.StipendIssue{Cohort: 2, Month: bot.Month{Year: 2026, Month: time.December}, IssuedAt: codecAt,
	Rows: []bot.StipendRow{
		{UserID: "u1", Name: "Ada", Handle: "ada_x", Tally: bot.Tally{Counted: 4, Met: 2, Excused: 1, Missed: []int{3}, Spaces: 9,
			Unverified: 2, Listeners: 1234, Known: bot.ProvenanceTally{VerifiedByX: 4, StaffLogged: 1, LinkNotVerified: 2, OneClick: 2}},
			DueCents: 187500, Status: bot.StipendReview, Revised: []string{"met 1→2"}},
		{UserID: "u2", Status: bot.StipendNotMember},
		{UserID: "u3", Tally: bot.Tally{Missed: []int{}}, Revised: []string{}},
	}}

// An issue keeps every row and field, nil and empty lists apart; a field
// added to the row's types fails the counts until stipendcodec.go keeps it.
func TestIssueRecordsRoundTrip(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{
		reflect.TypeOf(bot.StipendIssue{}): 4, reflect.TypeOf(bot.StipendRow{}): 7,
		reflect.TypeOf(bot.Tally{}): 8, reflect.TypeOf(bot.ProvenanceTally{}): 4,
	} {
		if n := typ.NumField(); n != fields {
			t.Errorf("bot.%s has %d fields, stipendcodec.go keeps %d: store the new one there (and count it here)", typ.Name(), n, fields)
		}
	}
	key := issueKey(codecIssue.Cohort, codecIssue.Month)
	for _, is := range []bot.StipendIssue{codecIssue, {Cohort: 2, Month: codecIssue.Month}, {Cohort: 2, Month: codecIssue.Month, Rows: []bot.StipendRow{}}} {
		data := encodeIssue(is)
		got, err := decodeIssue(key, data)
		must(t, err)
		if !reflect.DeepEqual(got, is) {
			t.Errorf("got  %+v\nwant %+v", got, is)
		}
		checkTruncations(t, data, func(d []byte) error { _, err := decodeIssue(key, d); return err })
	}
}

// A schema-9 file keeps issues as JSON; opened, they are binary and read
// back as they were.
func TestIssuesBecomeBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparkbot.db")
	writeSchema(t, path, 9)
	b, err := bbolt.Open(path, 0o600, nil)
	must(t, err)
	key := issueKey(codecIssue.Cohort, codecIssue.Month)
	must(t, b.Update(func(tx *bbolt.Tx) error {
		sb, err := writableBuckets(tx, ws, stipendsBucket)
		if err != nil {
			return err
		}
		data, err := json.Marshal(storedIssue(codecIssue))
		must(t, err)
		return sb[0].Put(key, data)
	}))
	must(t, b.Close())
	db := openAt(t, path)
	got, err := db.IssuedStipend(t.Context(), ws, codecIssue.Cohort, codecIssue.Month)
	must(t, err)
	if !reflect.DeepEqual(got, codecIssue) {
		t.Errorf("got  %+v\nwant %+v", got, codecIssue)
	}
	must(t, db.bolt.View(func(tx *bbolt.Tx) error {
		if v := bucket(tx, ws, stipendsBucket).Get(key); isJSON(v) {
			t.Errorf("still JSON: %s", v)
		}
		return nil
	}))
}
