package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file parses option values. parseOption turns the raw text of one
// option into the Go value its OptionType promises; the exported Parse*
// helpers are the same parsers for callers outside the router (a CLI).
//
// Every error is an *Error of KindInvalid in one shape:
//
//	time:25:00 — time must be HH:MM (24-hour), like 20:00
//
// that is, what was typed (clipped to echoMax runes), what was wrong, and an
// example. The exported helpers leave out the option name:
//
//	25:00 — time must be HH:MM (24-hour), like 20:00

// Limits on option values.
const (
	defaultMaxLen = 200 // OptString runes when Option.MaxLen is 0
	echoMax       = 40  // runes of user input repeated in an error message
	maxSpaceLink  = 300 // bytes of an OptURL value
	maxMention    = 200 // bytes of an OptUser or OptChannel value
	maxIDLen      = 64  // bytes of a user or channel id
	maxSpaceIDLen = 32  // bytes of a Space id
	maxZoneName   = 64  // bytes of an IANA zone name
	maxDurations  = 5   // distinct lengths in an OptDurations value
	minYear       = 1970
	maxYear       = 9999
)

// optField names the input being parsed, for error messages: key is the option
// name as typed (empty in the exported helpers) and noun the word the
// explanation uses ("time", or the option's name).
type optField struct{ key, noun string }

// invalid returns the uniform error for raw: "key:raw — msg".
func (f optField) invalid(raw, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	shown := formatValue(echoInput(raw))
	switch {
	case f.key != "":
		return Invalidf("%s:%s — %s", f.key, shown, msg)
	case raw == "":
		return Invalidf("%s", msg)
	}
	return Invalidf("%s — %s", shown, msg)
}

// tooLong is the error for text over max runes; the text itself is not
// repeated.
func (f optField) tooLong(n, max int) error {
	name := f.key
	if name == "" {
		name = f.noun
	}
	return Invalidf("%s — too long (%d characters); keep it to %d or fewer", name, n, max)
}

// echoInput makes user input safe to repeat in a one-line message: invalid UTF-8
// and control characters become U+FFFD and spaces, and anything past
// echoMax runes is cut off with "…".
func echoInput(s string) string {
	s = strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	n := 0
	for i := range s {
		if n == echoMax {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// parseOption parses raw as a value of o: surrounding white space is trimmed,
// then raw is parsed by o.Type and checked against o's bounds and choices.
// The result's Go type is given by the OptionType (see optionParsers).
func parseOption(o *Option, raw string) (any, error) {
	if o.Type < 0 || int(o.Type) >= len(optionParsers) || optionParsers[o.Type] == nil {
		return nil, fmt.Errorf("bot: option %q has unknown type %d", o.Name, o.Type)
	}
	f := optField{key: o.Name, noun: o.Name}
	if !utf8.ValidString(raw) {
		return nil, f.invalid(raw, "that is not valid text; type it again")
	}
	return optionParsers[o.Type](f, o, strings.TrimSpace(raw))
}

// optionParsers parse a trimmed value of each OptionType.
var optionParsers = [...]func(f optField, o *Option, s string) (any, error){
	OptString:    parseString,
	OptInt:       parseInt,
	OptUser:      func(f optField, _ *Option, s string) (any, error) { return parseMention(f, s, '@') },
	OptChannel:   func(f optField, _ *Option, s string) (any, error) { return parseMention(f, s, '#') },
	OptTime:      func(f optField, _ *Option, s string) (any, error) { return parseTimeOfDay(f, s) },
	OptDate:      func(f optField, _ *Option, s string) (any, error) { return parseDate(f, s) },
	OptDateTime:  func(f optField, _ *Option, s string) (any, error) { return parseDateTime(f, s) },
	OptDuration:  parseDurationOption,
	OptDurations: parseDurationsOption,
	OptWeekdays:  func(f optField, _ *Option, s string) (any, error) { return parseWeekdays(f, s) },
	OptWeekday:   func(f optField, _ *Option, s string) (any, error) { return parseWeekday(f, s) },
	OptTimeZone:  func(f optField, _ *Option, s string) (any, error) { return parseZone(f, s) },
	OptURL:       func(f optField, _ *Option, s string) (any, error) { return parseSpaceID(f, s) },
	OptMonth:     func(f optField, _ *Option, s string) (any, error) { return parseMonth(f, s) },
	OptCountries: func(f optField, _ *Option, s string) (any, error) { return parseCountries(f, s) },
}

// ParseWeekdays parses a set of days: "tue,thu", "tuesday", "mon-fri",
// "weekdays", "weekends", "daily" (case-insensitive, comma-separated, at
// least one day).
func ParseWeekdays(s string) (Weekdays, error) {
	return parseWeekdays(optField{noun: "days"}, strings.TrimSpace(s))
}

// ParseTimeOfDay parses a 24-hour wall-clock time, H:MM or HH:MM.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	return parseTimeOfDay(optField{noun: "time"}, strings.TrimSpace(s))
}

// LoadZone loads a zone by its exact IANA name, as stored: any name the
// zone database has, but not "Local" and the other names for the server's
// own zone. What a person types goes through ParseZone instead.
func LoadZone(name string) (*time.Location, error) {
	return loadZone(optField{noun: "time zone"}, strings.TrimSpace(name))
}

// ParseDate parses a real calendar date written YYYY-MM-DD, from 1970 on.
func ParseDate(s string) (Date, error) {
	return parseDate(optField{noun: "date"}, strings.TrimSpace(s))
}

// ParseSpaceID returns the id of an X Space from its link or a bare id.
//
// Links are http or https on x.com or twitter.com (optionally www. or
// mobile.), path /i/spaces/<id>, optionally followed by "/", "/peek" or
// "/peek/", a query and a fragment: https://x.com/i/spaces/1eaKbrPAqbwKX?s=20.
// The scheme may be left out (x.com/i/spaces/…), and Slack's link markup
// <https://…|label> is unwrapped. An id is 1–32 ASCII letters and digits.
// Surrounding white space is trimmed; white space inside, other hosts,
// ports, credentials and other paths are refused, as is anything over 300
// bytes.
func ParseSpaceID(s string) (string, error) {
	return parseSpaceID(optField{noun: "link"}, strings.TrimSpace(s))
}

// --- days of the week

// fullDayNames are the full names of the days, Sunday first.
var fullDayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// daySets are the words that name several days at once.
var daySets = map[string]Weekdays{
	"daily":    0x7f,
	"everyday": 0x7f,
	"weekdays": 0x3e, // mon-fri
	"weekday":  0x3e,
	"weekends": 0x41, // sat,sun
	"weekend":  0x41,
}

func parseWeekdays(f optField, s string) (Weekdays, error) {
	bad := func() (Weekdays, error) {
		return 0, f.invalid(s, "%s must be weekdays like tue,thu or mon-fri", f.noun)
	}
	var w Weekdays
	for item := range strings.SplitSeq(strings.ToLower(s), ",") {
		item = strings.TrimSpace(item)
		if set, ok := daySets[item]; ok {
			w |= set
			continue
		}
		if from, to, ok := strings.Cut(item, "-"); ok {
			d1, ok1 := dayOf(strings.TrimSpace(from))
			d2, ok2 := dayOf(strings.TrimSpace(to))
			if !ok1 || !ok2 {
				return bad()
			}
			for d := d1; ; d = (d + 1) % 7 { // fri-mon wraps over the weekend
				w = w.With(d)
				if d == d2 {
					break
				}
			}
			continue
		}
		d, ok := dayOf(item)
		if !ok {
			return bad()
		}
		w = w.With(d)
	}
	if w == 0 {
		return bad()
	}
	return w, nil
}

func parseWeekday(f optField, s string) (time.Weekday, error) {
	d, ok := dayOf(strings.ToLower(s))
	if !ok {
		return 0, f.invalid(s, "%s must be a day of the week, like tue", f.noun)
	}
	return d, nil
}

// dayOf reads one lower-case day name: at least three letters of its full
// name ("tue", "tues", "tuesday"), the plural ("tuesdays"), or "weds".
func dayOf(s string) (time.Weekday, bool) {
	if s == "weds" {
		return time.Wednesday, true
	}
	if len(s) < 3 {
		return 0, false
	}
	for d, full := range fullDayNames {
		if strings.HasPrefix(full, s) || s == full+"s" {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

// --- times and dates

func parseTimeOfDay(f optField, s string) (TimeOfDay, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, okh := digitsOf(h, 1, 2)
	mm, okm := digitsOf(m, 2, 2)
	if !ok || !okh || !okm || hh > 23 || mm > 59 {
		return TimeOfDay{}, f.invalid(s, "%s must be HH:MM (24-hour), like 20:00", f.noun)
	}
	return TimeOfDay{Hour: hh, Minute: mm}, nil
}

func parseDate(f optField, s string) (Date, error) {
	d, ok := dateOf(s)
	if !ok {
		return Date{}, f.invalid(s, "%s must be a real date YYYY-MM-DD, like 2026-03-14", f.noun)
	}
	return d, nil
}

// dateOf reads YYYY-MM-DD, a real date from minYear on.
func dateOf(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, oky := digitsOf(s[:4], 4, 4)
	m, okm := digitsOf(s[5:7], 2, 2)
	d, okd := digitsOf(s[8:], 2, 2)
	if !oky || !okm || !okd || y < minYear || m < 1 || m > 12 || d < 1 {
		return Date{}, false
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	if DateOf(date.noonUTC()) != date { // 2026-02-30 rolls over into March
		return Date{}, false
	}
	return date, true
}

func parseDateTime(f optField, s string) (DateTime, error) {
	if len(s) > 11 && (s[10] == ' ' || s[10] == 'T' || s[10] == 't') {
		d, okd := dateOf(s[:10])
		t, err := parseTimeOfDay(f, s[11:])
		if okd && err == nil {
			return DateTime{Date: d, Time: t}, nil
		}
	}
	return DateTime{}, f.invalid(s, `%s must be a date and time YYYY-MM-DD HH:MM, like "2026-03-14 20:00"`, f.noun)
}

func parseMonth(f optField, s string) (Month, error) {
	if len(s) == 7 && s[4] == '-' {
		y, oky := digitsOf(s[:4], 4, 4)
		m, okm := digitsOf(s[5:], 2, 2)
		if oky && okm && y >= minYear && m >= 1 && m <= 12 {
			return Month{Year: y, Month: time.Month(m)}, nil
		}
	}
	return Month{}, f.invalid(s, "%s must be a month YYYY-MM, like 2026-12", f.noun)
}

// digitsOf reads s as a decimal number of min to max ASCII digits; the number
// is meaningful only for max ≤ 18.
func digitsOf(s string, min, max int) (int, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	_, ok := digitsOf(s, 1, len(s))
	return ok
}

// --- lengths of time

// durationBounds returns o's bounds, Min and Max in minutes when either is
// set, else def. A length is always at least a minute.
func durationBounds(o *Option, def time.Duration) (lo, hi time.Duration) {
	if o.Min == 0 && o.Max == 0 {
		return time.Minute, def
	}
	return time.Duration(max(o.Min, 1)) * time.Minute, time.Duration(o.Max) * time.Minute
}

func parseDurationOption(f optField, o *Option, s string) (any, error) {
	lo, hi := durationBounds(o, 24*time.Hour)
	d, ok := durationOf(s, lo, hi)
	if !ok {
		return nil, f.invalid(s, "%s must be a length like 60m or 1h30m, from %s to %s",
			f.noun, formatMinutes(lo), formatMinutes(hi))
	}
	return d, nil
}

func parseDurationsOption(f optField, o *Option, s string) (any, error) {
	lo, hi := durationBounds(o, 48*time.Hour)
	bad := func() (any, error) {
		return nil, f.invalid(s, "%s must be up to %d lengths like 60m,10m, each from %s to %s",
			f.noun, maxDurations, formatMinutes(lo), formatMinutes(hi))
	}
	var ds []time.Duration
	for item := range strings.SplitSeq(s, ",") {
		d, ok := durationOf(strings.TrimSpace(item), lo, hi)
		if !ok {
			return bad()
		}
		if !slices.Contains(ds, d) {
			if len(ds) == maxDurations {
				return bad()
			}
			ds = append(ds, d)
		}
	}
	slices.SortFunc(ds, func(a, b time.Duration) int { return int((b - a) / time.Minute) })
	return ds, nil
}

// durationOf reads a Go duration with units ("60m", "1h30m", case
// ignored): unsigned, a whole number of minutes, within lo..hi.
func durationOf(s string, lo, hi time.Duration) (time.Duration, bool) {
	if s == "" || len(s) > 32 || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	d, err := time.ParseDuration(strings.ToLower(s))
	if err != nil || d%time.Minute != 0 || d < lo || d > hi {
		return 0, false
	}
	return d, true
}

// formatMinutes renders a whole number of minutes as 45m, 2h or 1h30m.
func formatMinutes(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// --- text and numbers

func parseString(f optField, o *Option, s string) (any, error) {
	if s == "" {
		return nil, f.invalid(s, `%s cannot be empty; type some text, like %s:"some text"`, f.noun, f.key)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return isControl(r) && r != '\t' && r != '\n' && r != '\r' }) {
		return nil, f.invalid(s, "%s has a control character; type plain text", f.noun)
	}
	limit := o.MaxLength()
	if n := utf8.RuneCountInString(s); n > limit {
		return nil, f.tooLong(n, limit)
	}
	if len(o.Choices) == 0 {
		return s, nil
	}
	for _, c := range o.Choices {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	return nil, f.invalid(s, "%s", choiceRule(f.noun, o))
}

// choiceRule says which values o takes: "to takes only hosts: DM every
// host…" (with what the help says the one choice does), "state must be on
// or off", "colour must be one of red, green, blue".
func choiceRule(noun string, o *Option) string {
	switch c := o.Choices; len(c) {
	case 1:
		if meaning, ok := strings.CutPrefix(o.Help, c[0]+": "); ok {
			return fmt.Sprintf("%s takes only %s: %s", noun, c[0], meaning)
		}
		return fmt.Sprintf("%s takes only %s", noun, c[0])
	case 2:
		return fmt.Sprintf("%s must be %s or %s", noun, c[0], c[1])
	default:
		return fmt.Sprintf("%s must be one of %s", noun, strings.Join(c, ", "))
	}
}

func parseInt(f optField, o *Option, s string) (any, error) {
	bounded := o.Min != 0 || o.Max != 0
	n, err := strconv.Atoi(s)
	if err == nil && allDigits(strings.TrimPrefix(s, "-")) && (!bounded || o.Min <= n && n <= o.Max) {
		return n, nil
	}
	if bounded {
		return nil, f.invalid(s, "%s must be a whole number from %d to %d", f.noun, o.Min, o.Max)
	}
	return nil, f.invalid(s, "%s must be a whole number, like 12", f.noun)
}

// --- users and channels

// parseMention reads a user (sigil '@') or channel ('#'): the platform
// markup <@U123|alice>, <@U123>, <@!123>, <#C123|news>, <#123>, or the
// sigil and a name, or a bare id or name. It returns the id or name.
func parseMention(f optField, s string, sigil byte) (string, error) {
	id := s
	if len(s) >= 3 && s[0] == '<' && s[1] == sigil && s[len(s)-1] == '>' {
		id = s[2 : len(s)-1]
		if sigil == '@' {
			id = strings.TrimPrefix(id, "!") // Discord's nickname mention
		}
		id, _, _ = strings.Cut(id, "|") // Slack's <@U123|alice>
	} else if len(s) > 0 && s[0] == sigil {
		id = s[1:]
	}
	if len(s) <= maxMention && isID(id) && !broadcastNames[strings.ToLower(id)] {
		return id, nil
	}
	if sigil == '@' {
		return "", f.invalid(s, "%s must be one person, like @alice or <@U123>", f.noun)
	}
	return "", f.invalid(s, "%s must be a channel, like #news or <#C123>", f.noun)
}

// broadcastNames are the names that would notify a crowd, never one user.
var broadcastNames = map[string]bool{"everyone": true, "here": true, "channel": true}

// isID reports whether s is 1–maxIDLen characters of [A-Za-z0-9_.-].
func isID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// --- time zones

// zoneCache holds the zones loaded so far (only successful loads). The zone
// database bounds it, but a case-insensitive file system accepts every
// spelling of a name, so it also stops growing at maxCachedZones.
var (
	zoneCache  sync.Map // name → *time.Location
	zoneCached atomic.Int32
)

const maxCachedZones = 1000

// serverZones are names that mean the server's own zone, not the user's.
var serverZones = map[string]bool{"local": true, "localtime": true, "posixrules": true, "factory": true}

func loadZone(f optField, name string) (*time.Location, error) {
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if isZoneName(name) && !serverZones[strings.ToLower(name)] {
		if loc, err := time.LoadLocation(name); err == nil {
			if zoneCached.Load() < maxCachedZones {
				if _, loaded := zoneCache.LoadOrStore(name, loc); !loaded {
					zoneCached.Add(1)
				}
			}
			return loc, nil
		}
	}
	return nil, f.invalid(name, "unknown time zone; use an IANA name like America/Chicago")
}

// isZoneName reports whether s looks like an IANA zone name: segments of
// [A-Za-z0-9_+-] starting with a letter, joined by "/". It keeps file
// paths ("../x", "/etc/x") and data files ("zone.tab") away from the loader.
func isZoneName(s string) bool {
	if s == "" || len(s) > maxZoneName {
		return false
	}
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "" || !('a' <= seg[0] && seg[0] <= 'z' || 'A' <= seg[0] && seg[0] <= 'Z') {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !isAlnum(c) && c != '_' && c != '+' && c != '-' {
				return false
			}
		}
	}
	return true
}

// --- X Spaces

// spaceHosts are the hosts of X Space links.
var spaceHosts = map[string]bool{
	"x.com": true, "www.x.com": true, "mobile.x.com": true,
	"twitter.com": true, "www.twitter.com": true, "mobile.twitter.com": true,
}

func parseSpaceID(f optField, s string) (string, error) {
	if id, ok := spaceIDOf(s); ok {
		return id, nil
	}
	return "", f.invalid(s, "that is not an X Space link; paste one like https://x.com/i/spaces/1eaKbrPAqbwKX")
}

func spaceIDOf(s string) (string, bool) {
	if len(s) > maxSpaceLink || !utf8.ValidString(s) ||
		strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || isControl(r) }) {
		return "", false
	}
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' { // Slack: <https://…|label>
		s, _, _ = strings.Cut(s[1:len(s)-1], "|")
	}
	if isSpaceID(s) {
		return s, true
	}
	for _, scheme := range []string{"https://", "http://"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	end := strings.IndexAny(s, "?#")
	if end < 0 {
		end = len(s)
	}
	host, path, _ := strings.Cut(s[:end], "/")
	const prefix = "i/spaces/"
	if !spaceHosts[strings.ToLower(host)] || len(path) < len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
		return "", false
	}
	id, tail, _ := strings.Cut(path[len(prefix):], "/")
	switch strings.ToLower(tail) {
	case "", "peek", "peek/":
	default:
		return "", false
	}
	return id, isSpaceID(id)
}

// isSpaceID reports whether s is 1–maxSpaceIDLen ASCII letters and digits.
func isSpaceID(s string) bool {
	if s == "" || len(s) > maxSpaceIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// --- countries

// countryCodes are the ISO 3166-1 alpha-2 codes (the tz database's
// iso3166.tab) plus XK, Kosovo's widely used user-assigned code.
const countryCodes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL " +
	"BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE " +
	"DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ " +
	"GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM " +
	"KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ " +
	"MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN " +
	"PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY " +
	"SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF " +
	"WS YE YT ZA ZM ZW XK"

// isCountry reports whether c is two upper-case letters naming a country.
func isCountry(c string) bool {
	return len(c) == 2 && 'A' <= c[0] && c[0] <= 'Z' && 'A' <= c[1] && c[1] <= 'Z' &&
		strings.Contains(countryCodes, c)
}

func parseCountries(f optField, s string) ([]string, error) {
	var codes []string
	for item := range strings.SplitSeq(s, ",") {
		c := strings.TrimSpace(item)
		if len(c) == 2 {
			c = strings.ToUpper(c)
		}
		switch {
		case c == "UK":
			return nil, f.invalid(s, "UK is not an ISO country code; use GB for the United Kingdom")
		case !isCountry(c):
			return nil, f.invalid(s, "%s must be two-letter ISO country codes like US,CA,GB", f.noun)
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes, nil
}
