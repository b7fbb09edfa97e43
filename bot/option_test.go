package bot

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Options as commands declare them, one or more per type.
var (
	optTitle      = Option{Name: "title", Type: OptString}
	optShort      = Option{Name: "note", Type: OptString, MaxLen: 5}
	optVisibility = Option{Name: "visibility", Type: OptString, Choices: []string{"public", "private"}}
	optTo         = Option{Name: "to", Type: OptString, Choices: []string{"hosts"}, Help: "hosts: DM every host instead of posting (without channel: or ping:)"}
	optReset      = Option{Name: "action", Type: OptString, Choices: []string{"reset"}}
	optColour     = Option{Name: "colour", Type: OptString, Choices: []string{"red", "green", "blue"}}
	optListeners  = Option{Name: "listeners", Type: OptInt, Min: 0, Max: 1000000}
	optOffset     = Option{Name: "offset", Type: OptInt}
	optUser       = Option{Name: "user", Type: OptUser}
	optChannel    = Option{Name: "channel", Type: OptChannel}
	optTime       = Option{Name: "time", Type: OptTime}
	optDate       = Option{Name: "date", Type: OptDate}
	optAt         = Option{Name: "at", Type: OptDateTime}
	optDuration   = Option{Name: "duration", Type: OptDuration}
	optGrace      = Option{Name: "grace", Type: OptDuration, Min: 15, Max: 180}
	optReminders  = Option{Name: "reminders", Type: OptDurations}
	optDays       = Option{Name: "days", Type: OptWeekdays}
	optStart      = Option{Name: "start", Type: OptWeekday}
	optTZ         = Option{Name: "tz", Type: OptTimeZone}
	optURL        = Option{Name: "url", Type: OptURL}
	optMonth      = Option{Name: "month", Type: OptMonth}
	optCountries  = Option{Name: "countries", Type: OptCountries}
)

// testOptions are every option above, for the fuzz target.
var testOptions = []Option{
	optTitle, optShort, optVisibility, optListeners, optOffset, optUser, optChannel,
	optTime, optDate, optAt, optDuration, optGrace, optReminders, optDays, optStart,
	optTZ, optURL, optMonth, optCountries,
}

func weekdaySet(ds ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range ds {
		w = w.With(d)
	}
	return w
}

func minuteList(ms ...int) []time.Duration {
	ds := make([]time.Duration, len(ms))
	for i, m := range ms {
		ds[i] = time.Duration(m) * time.Minute
	}
	return ds
}

var (
	weekdaysMonFri = weekdaySet(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	weekdaysAll    = weekdaysMonFri | weekdaySet(time.Saturday, time.Sunday)
)

func TestParseOption(t *testing.T) {
	long200 := strings.Repeat("é", 200)
	tests := []struct {
		opt  Option
		raw  string
		want any
	}{
		{optTitle, "Late night chat", "Late night chat"},
		{optTitle, "  padded \t", "padded"},
		{optTitle, "Café ☕ @ 8", "Café ☕ @ 8"},
		{optTitle, "line one\nline two", "line one\nline two"},
		{optTitle, long200, long200},
		{optShort, "héllo", "héllo"},
		{optVisibility, "public", "public"},
		{optVisibility, "PRIVATE", "private"},
		{optVisibility, " Public ", "public"},

		{optListeners, "0", 0},
		{optListeners, "1000000", 1000000},
		{optListeners, "007", 7},
		{optListeners, "-0", 0},
		{optOffset, "-5", -5},
		{optOffset, "123456789", 123456789},

		{optUser, "<@U123|alice>", "U123"},
		{optUser, "<@U123>", "U123"},
		{optUser, "<@!123>", "123"},
		{optUser, "<@123456789012345678>", "123456789012345678"},
		{optUser, "@alice", "alice"},
		{optUser, "U123", "U123"},
		{optUser, "alice", "alice"},
		{optUser, "123", "123"},
		{optUser, "first.last-name_1", "first.last-name_1"},
		{optChannel, "<#C123|news>", "C123"},
		{optChannel, "<#123>", "123"},
		{optChannel, "#news", "news"},
		{optChannel, "C0123", "C0123"},

		{optTime, "20:00", TimeOfDay{20, 0}},
		{optTime, "8:05", TimeOfDay{8, 5}},
		{optTime, "09:30", TimeOfDay{9, 30}},
		{optTime, "00:00", TimeOfDay{0, 0}},
		{optTime, "23:59", TimeOfDay{23, 59}},

		{optDate, "2026-03-14", Date{2026, time.March, 14}},
		{optDate, "2024-02-29", Date{2024, time.February, 29}},
		{optDate, "1970-01-01", Date{1970, time.January, 1}},
		{optDate, "9999-12-31", Date{9999, time.December, 31}},

		{optAt, "2026-03-14 20:00", DateTime{Date{2026, time.March, 14}, TimeOfDay{20, 0}}},
		{optAt, "2026-03-14T20:00", DateTime{Date{2026, time.March, 14}, TimeOfDay{20, 0}}},
		{optAt, "2026-03-14t8:00", DateTime{Date{2026, time.March, 14}, TimeOfDay{8, 0}}},

		{optDuration, "60m", time.Hour},
		{optDuration, "1h30m", 90 * time.Minute},
		{optDuration, "1H30M", 90 * time.Minute},
		{optDuration, "1.5h", 90 * time.Minute},
		{optDuration, "5400s", 90 * time.Minute},
		{optDuration, "1m", time.Minute},
		{optDuration, "24h", 24 * time.Hour},
		{optGrace, "15m", 15 * time.Minute},
		{optGrace, "3h", 3 * time.Hour},

		{optReminders, "60m,10m", minuteList(60, 10)},
		{optReminders, "10m,60m,1h", minuteList(60, 10)},
		{optReminders, " 1h , 2h ", minuteList(120, 60)},
		{optReminders, "48h", minuteList(48 * 60)},
		{optReminders, "1m,2m,3m,4m,5m,5m,1m", minuteList(5, 4, 3, 2, 1)},

		{optDays, "tue,thu", weekdaySet(time.Tuesday, time.Thursday)},
		{optDays, "TUE, Thu", weekdaySet(time.Tuesday, time.Thursday)},
		{optDays, "tuesday", weekdaySet(time.Tuesday)},
		{optDays, "tues,thurs,weds", weekdaySet(time.Tuesday, time.Wednesday, time.Thursday)},
		{optDays, "mondays", weekdaySet(time.Monday)},
		{optDays, "mon-fri", weekdaysMonFri},
		{optDays, "Monday-Friday", weekdaysMonFri},
		{optDays, "weekdays", weekdaysMonFri},
		{optDays, "weekends", weekdaySet(time.Saturday, time.Sunday)},
		{optDays, "daily", weekdaysAll},
		{optDays, "fri-mon", weekdaySet(time.Friday, time.Saturday, time.Sunday, time.Monday)},
		{optDays, "sat - sun", weekdaySet(time.Saturday, time.Sunday)},
		{optDays, "wed-wed", weekdaySet(time.Wednesday)},
		{optDays, "weekends,wed,wed", weekdaySet(time.Saturday, time.Sunday, time.Wednesday)},
		{optStart, "mon", time.Monday},
		{optStart, "Sunday", time.Sunday},
		{optStart, "thurs", time.Thursday},

		{optTZ, "UTC", time.UTC},
		{optTZ, "America/Chicago", mustZone(t, "America/Chicago")},
		{optTZ, "Europe/London", mustZone(t, "Europe/London")},
		{optTZ, "America/Argentina/Buenos_Aires", mustZone(t, "America/Argentina/Buenos_Aires")},
		{optTZ, "America/Port-au-Prince", mustZone(t, "America/Port-au-Prince")},
		{optTZ, "america/chicago", mustZone(t, "America/Chicago")},
		{optTZ, "US/Pacific", mustZone(t, "America/Los_Angeles")},
		{optTZ, "Etc/UTC", time.UTC},

		{optURL, "https://x.com/i/spaces/1eaKbrPAqbwKX", "1eaKbrPAqbwKX"},
		{optURL, "1eaKbrPAqbwKX", "1eaKbrPAqbwKX"},

		{optMonth, "2026-12", Month{2026, time.December}},
		{optMonth, "2027-01", Month{2027, time.January}},

		{optCountries, "US,CA", []string{"US", "CA"}},
		{optCountries, "us, gb ,US", []string{"US", "GB"}},
		{optCountries, "xk", []string{"XK"}},
	}
	for _, tt := range tests {
		t.Run(tt.opt.Name+":"+tt.raw, func(t *testing.T) {
			got, err := parseOption(&tt.opt, tt.raw)
			if err != nil {
				t.Fatalf("parseOption(%s, %q): %v", tt.opt.Name, tt.raw, err)
			}
			if !sameOptionValue(got, tt.want) {
				t.Errorf("parseOption(%s, %q) = %#v, want %#v", tt.opt.Name, tt.raw, got, tt.want)
			}
			checkOptionValue(t, &tt.opt, got)
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("the zone database lacks %s: %v", name, err)
	}
	return loc
}

// sameValue compares option values; zones compare by name.
func sameOptionValue(got, want any) bool {
	if w, ok := want.(*time.Location); ok {
		g, ok := got.(*time.Location)
		return ok && g.String() == w.String()
	}
	return reflect.DeepEqual(got, want)
}

// checkValue checks that v is a value parseOption may return for o: of the
// promised Go type and within o's bounds.
func checkOptionValue(t *testing.T, o *Option, v any) {
	t.Helper()
	bad := func(why string) { t.Errorf("%s: value %#v (%T): %s", o.Name, v, v, why) }
	switch o.Type {
	case OptString:
		s, _ := v.(string)
		limit := orDefault(o.MaxLen, defaultMaxLen)
		switch {
		case s == "" || s != strings.TrimSpace(s):
			bad("empty or untrimmed")
		case utf8.RuneCountInString(s) > limit || !utf8.ValidString(s) || strings.ContainsRune(s, 0):
			bad("too long, not UTF-8 or has NUL")
		case len(o.Choices) > 0 && !slices.Contains(o.Choices, s):
			bad("not a choice")
		}
	case OptInt:
		n, ok := v.(int)
		if !ok || (o.Min != 0 || o.Max != 0) && (n < o.Min || n > o.Max) {
			bad("out of bounds")
		}
	case OptUser, OptChannel:
		if s, _ := v.(string); !isID(s) {
			bad("not an id")
		}
	case OptTime:
		if tod, ok := v.(TimeOfDay); !ok || !isValidTimeOfDay(tod) {
			bad("not a time of day")
		}
	case OptDate:
		if d, ok := v.(Date); !ok || !isValidDate(d) {
			bad("not a date")
		}
	case OptDateTime:
		if dt, ok := v.(DateTime); !ok || !isValidDate(dt.Date) || !isValidTimeOfDay(dt.Time) {
			bad("not a date and time")
		}
	case OptDuration:
		lo, hi := durationBounds(o, 24*time.Hour)
		if d, ok := v.(time.Duration); !ok || d < lo || d > hi || d%time.Minute != 0 {
			bad("out of bounds")
		}
	case OptDurations:
		lo, hi := durationBounds(o, 48*time.Hour)
		ds, _ := v.([]time.Duration)
		if len(ds) == 0 || len(ds) > maxDurations {
			bad("wrong count")
		}
		for i, d := range ds {
			if d < lo || d > hi || d%time.Minute != 0 || i > 0 && d >= ds[i-1] {
				bad("out of bounds or not strictly descending")
			}
		}
	case OptWeekdays:
		if w, ok := v.(Weekdays); !ok || w == 0 || w > 0x7f {
			bad("not a set of days")
		}
	case OptWeekday:
		if d, ok := v.(time.Weekday); !ok || d < time.Sunday || d > time.Saturday {
			bad("not a day")
		}
	case OptTimeZone:
		if loc, _ := v.(*time.Location); loc == nil || loc == time.Local {
			bad("nil or Local")
		}
	case OptURL:
		if s, _ := v.(string); !isSpaceID(s) {
			bad("not a Space id")
		}
	case OptMonth:
		if m, ok := v.(Month); !ok || m.Year < minYear || m.Year > maxYear || m.Month < 1 || m.Month > 12 {
			bad("not a month")
		}
	case OptCountries:
		cs, _ := v.([]string)
		if len(cs) == 0 {
			bad("empty")
		}
		for i, c := range cs {
			if !isCountry(c) || slices.Contains(cs[:i], c) {
				bad("not a country or repeated")
			}
		}
	default:
		bad("unknown type")
	}
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func isValidTimeOfDay(t TimeOfDay) bool {
	return 0 <= t.Hour && t.Hour < 24 && 0 <= t.Minute && t.Minute < 60
}

func isValidDate(d Date) bool {
	return d.Year >= minYear && d.Year <= maxYear && DateOf(d.noonUTC()) == d
}

func TestParseOptionErrors(t *testing.T) {
	// Exact messages for representative cases; the rest are checked for
	// their shape by checkInvalid.
	tests := []struct {
		opt  Option
		raw  string
		want string
	}{
		{optTime, "25:00", "time:25:00 — time must be HH:MM (24-hour), like 20:00"},
		{optDays, "funday", "days:funday — days must be weekdays like tue,thu or mon-fri"},
		{optTZ, "Mars/Base", "tz:Mars/Base — unknown time zone; use an IANA name like America/Chicago"},
		{optURL, "https://example.com/x", "url:https://example.com/x — that is not an X Space link; paste one like https://x.com/i/spaces/1eaKbrPAqbwKX"},
		{optListeners, "-3", "listeners:-3 — listeners must be a whole number from 0 to 1000000"},
		{optOffset, "1e3", "offset:1e3 — offset must be a whole number, like 12"},
		{optTitle, strings.Repeat("a", 5000), "title — too long (5000 characters); keep it to 200 or fewer"},
		{optShort, "héllo!", "note — too long (6 characters); keep it to 5 or fewer"},
		{optTitle, "   ", `title:"" — title cannot be empty; type some text, like title:"some text"`},
		{optVisibility, "secret", "visibility:secret — visibility must be public or private"},
		{optTo, "everyone", "to:everyone — to takes only hosts: DM every host instead of posting (without channel: or ping:)"},
		{optReset, "undo", "action:undo — action takes only reset"},
		{optColour, "pink", "colour:pink — colour must be one of red, green, blue"},
		{optDate, "2026-02-30", "date:2026-02-30 — date must be a real date YYYY-MM-DD, like 2026-03-14"},
		{optAt, "2026-03-14 25:00", `at:"2026-03-14 25:00" — at must be a date and time YYYY-MM-DD HH:MM, like "2026-03-14 20:00"`},
		{optDuration, "90", "duration:90 — duration must be a length like 60m or 1h30m, from 1m to 24h"},
		{optGrace, "10m", "grace:10m — grace must be a length like 60m or 1h30m, from 15m to 3h"},
		{optReminders, "72h", "reminders:72h — reminders must be up to 5 lengths like 60m,10m, each from 1m to 48h"},
		{optStart, "funday", "start:funday — start must be a day of the week, like tue"},
		{optUser, "<@&123>", "user:<@&123> — user must be one person, like @alice or <@U123>"},
		{optChannel, "news!", "channel:news! — channel must be a channel, like #news or <#C123>"},
		{optMonth, "2026-13", "month:2026-13 — month must be a month YYYY-MM, like 2026-12"},
		{optCountries, "US,UK", "countries:US,UK — UK is not an ISO country code; use GB for the United Kingdom"},
		{optCountries, "USA", "countries:USA — countries must be two-letter ISO country codes like US,CA,GB"},
		// Long input is cut to 40 characters; control characters are blanked.
		{optTime, strings.Repeat("9", 100), "time:" + strings.Repeat("9", 40) + "… — time must be HH:MM (24-hour), like 20:00"},
		{optTime, "20:00\x00", `time:"20:00 " — time must be HH:MM (24-hour), like 20:00`},
		{optTime, "20:\xff", "time:20:\uFFFD — that is not valid text; type it again"},
	}
	for _, tt := range tests {
		t.Run(tt.opt.Name, func(t *testing.T) {
			_, err := parseOption(&tt.opt, tt.raw)
			checkInvalid(t, &tt.opt, err)
			if err != nil && err.Error() != tt.want {
				t.Errorf("parseOption(%s, %.60q) error\n got: %s\nwant: %s", tt.opt.Name, tt.raw, err, tt.want)
			}
		})
	}
}

// checkInvalid checks that err is a one-line *Error of KindInvalid naming o.
func checkInvalid(t *testing.T, o *Option, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalid {
		t.Fatalf("error = %#v, want an *Error of KindInvalid", err)
	}
	msg := e.Message
	if !strings.HasPrefix(msg, o.Name+":") && !strings.HasPrefix(msg, o.Name+" — ") {
		t.Errorf("message %q does not start with the option name %s", msg, o.Name)
	}
	if !strings.Contains(msg, " — ") || strings.ContainsFunc(msg, isControl) || !utf8.ValidString(msg) {
		t.Errorf("message %q is not one clean line of the form \"what — why\"", msg)
	}
	if n := utf8.RuneCountInString(msg); n > 200 {
		t.Errorf("message is %d characters long: %q", n, msg)
	}
}

func TestParseOptionRejects(t *testing.T) {
	bad := map[*Option][]string{
		&optTitle:      {"", " ", "a\x00b", "a\x1bb", "a\u0085b", strings.Repeat("x", 201)},
		&optShort:      {"abcdef"},
		&optVisibility: {"", "pub", "public!", "publicprivate"},
		&optListeners:  {"1e3", "+-1", "+1", "1,200", "", "-", "abc", "12abc", "1 2", "1000001", "-1", "0x10", "1_000", "１", "9223372036854775808", "99999999999999999999999"},
		&optOffset:     {"1e3", "+1", "--1", "", "1.0", "9223372036854775808"},
		&optUser:       {"", "@", "<@>", "<@!>", "<@&123>", "<!here>", "@everyone", "@here", "<!channel>", "<#C123>", "alice smith", "a/b", "<@U123", "@" + strings.Repeat("a", 65), "<@U1|" + strings.Repeat("a", 300) + ">", "ąlice"},
		&optChannel:    {"", "#", "<#>", "<@U1>", "news!", "<#C1|news", "#@here"},
		&optTime:       {"", "24:00", "12:60", "2000", "20.00", "20:0", "120:00", "-1:00", "20:00:00", "8pm", ":", "２０:００", "20:00x", "20: 00"},
		&optDate:       {"", "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-5", "26-03-14", "1969-12-31", "2026/03/14", "2025-02-29", "0000-01-01", "2026-03-14T", "+026-03-14", "2026-03-1x"},
		&optAt:         {"", "2026-03-14", "2026-03-14  20:00", "2026-03-14 24:00", "2026-03-1420:00", "20:00 2026-03-14", "2026-02-30 10:00", "2026-03-14_20:00", "2026-03-14 "},
		&optDuration:   {"", "60", "0", "0m", "-5m", "+5m", "1.5m", "30s", "25h", "1d", "1h 30m", "m", "1e3m", ".5h", "1h-1m", strings.Repeat("1", 40) + "m"},
		&optGrace:      {"14m", "181m", "4h"},
		&optReminders:  {"", "60m,,10m", "60m,", ",", "1m,2m,3m,4m,5m,6m", "49h", "0m", "10", "60m;10m"},
		&optDays:       {"", "funday", "mo", "mon-", "-fri", "mon-funday", "mon,", ",", "mon;tue", "mon tue", "m o n", "sundays-ish"},
		&optStart:      {"", "weekdays", "mon,tue", "mo", "funday", "mon-fri"},
		&optTZ:         {"", "Local", "local", "localtime", "posixrules", "Mars/Base", "../../etc/passwd", "/etc/localtime", "America/../UTC", "zone.tab", "UTC+5", "+05:00", "America//Chicago", "America/", strings.Repeat("A", 65), "Etc/GMT+5", "EST", "EST5EDT", "CET", "GMT"},
		&optURL:        {"", "https://example.com/x", "https://x.com/i/broadcasts/1ea", "1ea-Kb"},
		&optMonth:      {"", "2026-1", "26-12", "2026-12-01", "1969-12", "2026-00", "2026/12"},
		&optCountries:  {"", "USA", "U", "US,", ",US", "XX", "U1", "UK", "us;ca", "ſ", "uſ"},
	}
	for o, raws := range bad {
		for _, raw := range raws {
			got, err := parseOption(o, raw)
			if err == nil {
				t.Errorf("parseOption(%s, %.60q) = %#v, want an error", o.Name, raw, got)
				continue
			}
			checkInvalid(t, o, err)
		}
	}
}

func TestParseOptionUnknownType(t *testing.T) {
	for _, typ := range []OptionType{-1, OptCountries + 1} {
		_, err := parseOption(&Option{Name: "x", Type: typ}, "1")
		if err == nil || KindOf(err) != KindInternal {
			t.Errorf("type %d: error = %v, want an internal error", typ, err)
		}
	}
}

func TestParseSpaceID(t *testing.T) {
	const id = "1eaKbrPAqbwKX"
	good := []string{
		id,
		"  " + id + "\t",
		"https://x.com/i/spaces/" + id,
		"https://twitter.com/i/spaces/" + id,
		"https://www.x.com/i/spaces/" + id,
		"https://mobile.twitter.com/i/spaces/" + id,
		"http://x.com/i/spaces/" + id,
		"HTTPS://X.COM/I/Spaces/" + id,
		"https://x.com/i/spaces/" + id + "/",
		"https://x.com/i/spaces/" + id + "?s=20",
		"https://x.com/i/spaces/" + id + "/?s=20&t=abc",
		"https://x.com/i/spaces/" + id + "#top",
		"https://x.com/i/spaces/" + id + "?s=20#top",
		"https://x.com/i/spaces/" + id + "/peek",
		"https://x.com/i/spaces/" + id + "/peek/?s=20",
		"x.com/i/spaces/" + id,
		"<https://x.com/i/spaces/" + id + ">",
		"<https://x.com/i/spaces/" + id + "|x.com/i/spaces/" + id + ">",
	}
	for _, s := range good {
		got, err := ParseSpaceID(s)
		if err != nil || got != id {
			t.Errorf("ParseSpaceID(%q) = %q, %v; want %q", s, got, err, id)
		}
	}
	long := strings.Repeat("a", 32)
	if got, err := ParseSpaceID("https://x.com/i/spaces/" + long); err != nil || got != long {
		t.Errorf("32-character id: got %q, %v", got, err)
	}
	bad := []string{
		"", " ", "<>", "<|>",
		"https://example.com/x",
		"https://x.com/i/broadcasts/" + id,
		"https://x.com/someone/status/123",
		"https://x.com/i/spaces/",
		"https://x.com/i/spaces",
		"https://x.com/i/spaces//" + id,
		"https://x.com/i/spaces/" + id + "/extra",
		"https://x.com/i/spaces/" + id + "/peek/x",
		"https://x.com/i/spaces/1ea-Kb",
		"https://x.com/i/spaces/" + id + "%20",
		"https://x.com/i/spaces/" + strings.Repeat("a", 33),
		"https://user:pw@x.com/i/spaces/" + id,
		"https://x.com@evil.com/i/spaces/" + id,
		"https://x.com\\@evil.com/i/spaces/" + id,
		"https://evil.com/x.com/i/spaces/" + id,
		"https://x.com.evil.com/i/spaces/" + id,
		"https://evilx.com/i/spaces/" + id,
		"https://x.com:443/i/spaces/" + id,
		"https://t.co/" + id,
		"ftp://x.com/i/spaces/" + id,
		"https:/x.com/i/spaces/" + id,
		"//x.com/i/spaces/" + id,
		"javascript:alert(1)",
		"https://x.com/i/spaces/" + id + " extra",
		"https://x.com/i/spaces/" + id + "?s=20 extra",
		"1ea bc",
		"1eaK\u200bbrPA",
		"https://x.com/i/spaces/" + id + "\x00",
		"https://x.com/i/spaces/\xff",
		"https://x.com/i/spaces/" + id + "?q=" + strings.Repeat("a", 300),
		"ｘ.com/i/spaces/" + id,
		strings.Repeat("a", 33),
	}
	for _, s := range bad {
		got, err := ParseSpaceID(s)
		if err == nil {
			t.Errorf("ParseSpaceID(%.60q) = %q, want an error", s, got)
		} else if KindOf(err) != KindInvalid {
			t.Errorf("ParseSpaceID(%.60q): error kind %v, want invalid", s, KindOf(err))
		}
	}
}

func TestParseHelpersErrors(t *testing.T) {
	_, err1 := ParseTimeOfDay("25:00")
	_, err2 := ParseWeekdays("funday")
	_, err3 := LoadZone("Mars/Base")
	_, err4 := ParseDate(" 2026-02-30 ")
	_, err5 := ParseSpaceID("https://example.com/x")
	_, err6 := ParseTimeOfDay("")
	tests := []struct {
		err  error
		want string
	}{
		{err1, "25:00 — time must be HH:MM (24-hour), like 20:00"},
		{err2, "funday — days must be weekdays like tue,thu or mon-fri"},
		{err3, "Mars/Base — unknown time zone; use an IANA name like America/Chicago"},
		{err4, "2026-02-30 — date must be a real date YYYY-MM-DD, like 2026-03-14"},
		{err5, "https://example.com/x — that is not an X Space link; paste one like https://x.com/i/spaces/1eaKbrPAqbwKX"},
		{err6, "time must be HH:MM (24-hour), like 20:00"},
	}
	for i, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want || KindOf(tt.err) != KindInvalid {
			t.Errorf("case %d: error = %v, want %q", i, tt.err, tt.want)
		}
	}
}

func TestParseHelpers(t *testing.T) {
	if w, err := ParseWeekdays(" Mon-Fri "); err != nil || w != weekdaysMonFri {
		t.Errorf("ParseWeekdays = %v, %v", w, err)
	}
	if tod, err := ParseTimeOfDay("7:45"); err != nil || tod != (TimeOfDay{7, 45}) {
		t.Errorf("ParseTimeOfDay = %v, %v", tod, err)
	}
	if d, err := ParseDate("2026-12-31"); err != nil || d != (Date{2026, time.December, 31}) {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	loc, err := LoadZone("America/New_York")
	if err != nil || loc.String() != "America/New_York" {
		t.Errorf("LoadZone = %v, %v", loc, err)
	}
	if again, _ := LoadZone("America/New_York"); again != loc {
		t.Errorf("LoadZone does not reuse the loaded zone")
	}
}

// Every day name reads back as its day, and every set prints as it parses.
func TestWeekdaysRoundTrip(t *testing.T) {
	for w := Weekdays(1); w <= 0x7f; w++ {
		got, err := ParseWeekdays(w.String())
		if err != nil || got != w {
			t.Errorf("ParseWeekdays(%q) = %v, %v; want %v", w.String(), got, err, w)
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		for _, name := range []string{WeekdayName(d), fullDayNames[d], strings.ToUpper(fullDayNames[d]), fullDayNames[d] + "s"} {
			if got, err := parseWeekday(optField{noun: "day"}, strings.ToLower(name)); err != nil || got != d {
				t.Errorf("%s: got %v, %v; want %v", name, got, err, d)
			}
		}
	}
}

func TestFormatMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute: "1m", 45 * time.Minute: "45m", time.Hour: "1h", 90 * time.Minute: "1h30m", 48 * time.Hour: "48h",
	} {
		if got := formatMinutes(d); got != want {
			t.Errorf("formatMinutes(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestEcho(t *testing.T) {
	tests := map[string]string{
		"short":                 "short",
		strings.Repeat("é", 40): strings.Repeat("é", 40),
		strings.Repeat("é", 41): strings.Repeat("é", 40) + "…",
		"a\nb\x00c\x7f":         "a b c ",
		"bad \xff\xfe utf8":     "bad \uFFFD utf8",
		"tab\there":             "tab here",
	}
	for in, want := range tests {
		if got := echoInput(in); got != want {
			t.Errorf("echoInput(%q) = %q, want %q", in, got, want)
		}
	}
}
