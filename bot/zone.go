package bot

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:generate go run ./internal/zonegen -in /usr/share/zoneinfo/tzdata.zi -out zone_table.go

// Time zones people type. A zone must be a place's, so that it follows
// that place's daylight saving: fixed offsets (EST, Etc/GMT+5, +05:00),
// old rule names (EST5EDT, CET) and abbreviations (PST) are refused with
// the zone meant. UTC stays allowed. Names match case-insensitively and
// are kept canonical, through zoneNames (zone_table.go, generated from the
// tz database's zone and backward files): america/chicago is
// America/Chicago, US/Pacific is America/Los_Angeles.

// zoneHint is what a refused name most likely meant.
type zoneHint struct {
	meant string // a place's zone
	rule  bool   // an old tz rule name (EST5EDT, CET), not a fixed offset
	also  string // a second guess, said after the first
}

// refusedZones are the names refused by what they say, lower-cased: the tz
// database's old US and European zones and the common abbreviations,
// which are not tz names at all. The guesses lean to the US, where
// the program's hosts live.
var refusedZones = map[string]zoneHint{
	"est": {meant: "America/New_York"}, "edt": {meant: "America/New_York"},
	"cst": {meant: "America/Chicago"}, "cdt": {meant: "America/Chicago"},
	"mst": {meant: "America/Denver", also: "America/Phoenix for Arizona"}, "mdt": {meant: "America/Denver"},
	"pst": {meant: "America/Los_Angeles"}, "pdt": {meant: "America/Los_Angeles"},
	"akst": {meant: "America/Anchorage"}, "akdt": {meant: "America/Anchorage"},
	"hst": {meant: "Pacific/Honolulu"}, "hdt": {meant: "Pacific/Honolulu"},
	"ast": {meant: "America/Puerto_Rico", also: "America/Halifax"}, "adt": {meant: "America/Halifax"},
	"nst": {meant: "America/St_Johns"}, "ndt": {meant: "America/St_Johns"},
	"bst": {meant: "Europe/London"}, "ist": {meant: "Asia/Kolkata", also: "Europe/Dublin"},
	"west": {meant: "Europe/Lisbon"}, "cest": {meant: "Europe/Paris"}, "eest": {meant: "Europe/Athens"},
	"msk": {meant: "Europe/Moscow"}, "jst": {meant: "Asia/Tokyo"}, "kst": {meant: "Asia/Seoul"},
	"hkt": {meant: "Asia/Hong_Kong"}, "sgt": {meant: "Asia/Singapore"},
	"aest": {meant: "Australia/Sydney", also: "Australia/Brisbane for Queensland"}, "aedt": {meant: "Australia/Sydney"},
	"acst": {meant: "Australia/Adelaide"}, "acdt": {meant: "Australia/Adelaide"}, "awst": {meant: "Australia/Perth"},
	"nzst": {meant: "Pacific/Auckland"}, "nzdt": {meant: "Pacific/Auckland"},

	"est5edt": {meant: "America/New_York", rule: true}, "cst6cdt": {meant: "America/Chicago", rule: true},
	"mst7mdt": {meant: "America/Denver", rule: true}, "pst8pdt": {meant: "America/Los_Angeles", rule: true},
	"cet": {meant: "Europe/Paris", rule: true}, "met": {meant: "Europe/Paris", rule: true},
	"eet": {meant: "Europe/Athens", rule: true}, "wet": {meant: "Europe/Lisbon", rule: true},
}

// offsetZones guess a place for a fixed offset from UTC, in minutes.
var offsetZones = map[int]string{
	-600: "Pacific/Honolulu", -540: "America/Anchorage", -480: "America/Los_Angeles", -420: "America/Denver",
	-360: "America/Chicago", -300: "America/New_York", -240: "America/Halifax", -210: "America/St_Johns",
	-180: "America/Sao_Paulo", 0: "Europe/London", 60: "Europe/Paris", 120: "Europe/Athens", 180: "Europe/Moscow",
	240: "Asia/Dubai", 300: "Asia/Karachi", 330: "Asia/Kolkata", 345: "Asia/Kathmandu", 360: "Asia/Dhaka",
	420: "Asia/Bangkok", 480: "Asia/Shanghai", 540: "Asia/Tokyo", 570: "Australia/Adelaide", 600: "Australia/Sydney",
	720: "Pacific/Auckland",
}

// utcZone is the canonical name of every name for UTC (Etc/UTC, Zulu, …).
const utcZone = "UTC"

// ParseZone reads a time zone a person typed: a place's IANA name in any
// case, or an old name for it (US/Pacific), or UTC. It returns the zone
// loaded by its canonical name, so loc.String() is what to store. Every
// option that takes a zone parses it so.
func ParseZone(s string) (*time.Location, error) {
	return parseZone(optField{noun: "time zone"}, strings.TrimSpace(s))
}

func parseZone(f optField, s string) (*time.Location, error) {
	name, why := canonicalZone(s)
	if why != "" {
		return nil, f.invalid(s, "%s", why)
	}
	return loadZone(f, name)
}

// canonicalZone returns the canonical name of the zone s names, or why
// it is refused.
func canonicalZone(s string) (name, why string) {
	key := strings.ToLower(s)
	if len(s) > maxZoneName || serverZones[key] {
		return "", unknownZone
	}
	if hint, ok := refusedZones[key]; ok {
		return "", hint.refusal(s)
	}
	name, ok := zoneNames[key]
	switch {
	case ok && name == "Etc/UTC":
		return utcZone, ""
	case ok && strings.HasPrefix(name, "Etc/"):
		return "", offsetRefusal(s, etcOffset(name))
	case ok:
		return name, ""
	}
	if minutes, ok := offsetOf(key); ok {
		return "", offsetRefusal(s, minutes)
	}
	return "", unknownZone
}

const unknownZone = "unknown time zone; use an IANA name like America/Chicago"

func (h zoneHint) refusal(s string) string {
	also := ""
	if h.also != "" {
		also = ", or " + h.also
	}
	if h.rule {
		return fmt.Sprintf("%s is an old rule, not a place; did you mean %s%s?", s, h.meant, also)
	}
	return fmt.Sprintf("%s never changes for daylight saving; did you mean %s%s?", s, h.meant, also)
}

// offsetRefusal refuses s, a fixed offset of minutes east of UTC.
func offsetRefusal(s string, minutes int) string {
	shown := s
	if !strings.HasPrefix(strings.ToLower(s), "utc") && s[0] != '+' && s[0] != '-' {
		shown = fmt.Sprintf("%s (UTC%s)", s, formatOffset(minutes))
	}
	msg := shown + " never changes for daylight saving; "
	meant, ok := offsetZones[minutes]
	if !ok {
		return msg + "use a place's zone, like America/Chicago."
	}
	msg += "did you mean " + meant + "?"
	if minutes == 0 {
		msg += " For UTC itself, say UTC."
	}
	return msg
}

func formatOffset(minutes int) string {
	sign := "+"
	if minutes < 0 {
		sign, minutes = "-", -minutes
	}
	return fmt.Sprintf("%s%02d:%02d", sign, minutes/60, minutes%60)
}

// etcOffset reads the offset of Etc/GMT±N, whose sign is POSIX's: west
// of Greenwich is plus, so Etc/GMT+5 is UTC-05:00.
func etcOffset(name string) int {
	n, ok := offsetOf(strings.ToLower(strings.TrimPrefix(name, "Etc/")))
	if !ok {
		return 0
	}
	return -n
}

// offsetOf reads a lower-case offset from UTC: [utc|gmt]±H[H][[:]MM]
// ("+05:00", "-0500", "utc-5", "gmt+5:30"), up to 14 hours, in minutes
// east of UTC. A bare "gmt" or "utc" is no offset: ok is false.
func offsetOf(s string) (minutes int, ok bool) {
	for _, p := range []string{"utc", "gmt"} {
		s = strings.TrimPrefix(s, p)
	}
	if len(s) < 2 || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	sign, digits := s[0], strings.Replace(s[1:], ":", "", 1)
	var h, m int
	switch len(digits) {
	case 1, 2:
		h, ok = digitsOf(digits, 1, 2)
	case 3, 4:
		var okm bool
		h, ok = digitsOf(digits[:len(digits)-2], 1, 2)
		m, okm = digitsOf(digits[len(digits)-2:], 2, 2)
		ok = ok && okm && m < 60
	}
	if !ok || h > 14 {
		return 0, false
	}
	minutes = h*60 + m
	if sign == '-' {
		minutes = -minutes
	}
	return minutes, true
}

// allZones returns the canonical zone names people may set, sorted.
var allZones = sync.OnceValue(func() []string {
	seen := map[string]bool{}
	var out []string
	for key := range zoneNames {
		if name, why := canonicalZone(key); why == "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
})
