package bot

import (
	"fmt"
	"strings"
	"time"
)

// QuietHours are the hours of the day, in a host's own zone, in which quota
// warnings and nudges wait; reminders still come at the lead times the host
// chose. The zero value means the host has not chosen: DefaultQuietHours.
type QuietHours struct {
	Start, End TimeOfDay // from Start up to End, across midnight when End < Start
	Off        bool      // the host wants no quiet hours
}

// DefaultQuietHours are a host's quiet hours until they choose their own.
var DefaultQuietHours = QuietHours{Start: TimeOfDay{Hour: 22}, End: TimeOfDay{Hour: 8}}

// maxQuietHours bounds how long quiet hours last, so a warning they hold
// still reaches the host while it can help.
const maxQuietHours = 12 * time.Hour

// QuietHours returns the host's quiet hours, or the default.
func (h Host) QuietHours() QuietHours {
	if h.Quiet == (QuietHours{}) {
		return DefaultQuietHours
	}
	return h.Quiet
}

// String renders q as "22:00–08:00", or "off".
func (q QuietHours) String() string {
	if q.Off {
		return "off"
	}
	return q.Start.String() + "–" + q.End.String()
}

// Stretch returns the quiet stretch t falls in, read in loc: from its
// start to its end. in is false when t is outside quiet hours.
func (q QuietHours) Stretch(t time.Time, loc *time.Location) (from, until time.Time, in bool) {
	if q.Off || q.Start == q.End {
		return time.Time{}, time.Time{}, false
	}
	local := t.In(loc)
	now, start, end := local.Hour()*60+local.Minute(), q.Start.Minutes(), q.End.Minutes()
	today := DateOf(local)
	switch {
	case start > end && now >= start: // evening, before midnight
		return LocalTime(today, q.Start, loc), LocalTime(today.AddDays(1), q.End, loc), true
	case start > end && now < end: // after midnight
		return LocalTime(today.AddDays(-1), q.Start, loc), LocalTime(today, q.End, loc), true
	case start < end && now >= start && now < end:
		return LocalTime(today, q.Start, loc), LocalTime(today, q.End, loc), true
	}
	return time.Time{}, time.Time{}, false
}

// Until returns the end of the quiet stretch t falls in, or t if it is
// outside quiet hours.
func (q QuietHours) Until(t time.Time, loc *time.Location) time.Time {
	if _, until, in := q.Stretch(t, loc); in {
		return until
	}
	return t
}

// ParseQuietHours reads quiet hours as people type them: two times, like
// 22-08, 22:30-07:00 or 23–6, or off.
func ParseQuietHours(s string) (QuietHours, error) {
	return parseQuietHours(optField{noun: "quiet hours"}, strings.TrimSpace(s))
}

func parseQuietHours(f optField, s string) (QuietHours, error) {
	if strings.EqualFold(s, "off") {
		return QuietHours{Off: true}, nil
	}
	a, b, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	start, okStart := hourOf(strings.TrimSpace(a))
	end, okEnd := hourOf(strings.TrimSpace(b))
	if !ok || !okStart || !okEnd {
		return QuietHours{}, f.invalid(s, "%s must be two times, like 22-08 or 22:30-07:00, or off", f.noun)
	}
	length := time.Duration((end.Minutes()-start.Minutes()+24*60)%(24*60)) * time.Minute
	switch {
	case length == 0:
		return QuietHours{}, f.invalid(s, "%s must end at another time than they start, like 22-08; or turn them off with off", f.noun)
	case length > maxQuietHours:
		return QuietHours{}, f.invalid(s, "%s last at most %s, so warnings still reach you in time; %s-%s would be %s, like 22-08",
			f.noun, HumanDuration(maxQuietHours), start, end, HumanDuration(length))
	}
	return QuietHours{Start: start, End: end}, nil
}

// hourOf reads a time of day as H, HH, H:MM or HH:MM (24-hour).
func hourOf(s string) (TimeOfDay, bool) {
	h, m, hasMinutes := strings.Cut(s, ":")
	hh, okh := digitsOf(h, 1, 2)
	mm, okm := 0, true
	if hasMinutes {
		mm, okm = digitsOf(m, 2, 2)
	}
	if !okh || !okm || hh > 23 || mm > 59 {
		return TimeOfDay{}, false
	}
	return TimeOfDay{Hour: hh, Minute: mm}, true
}

// describeQuiet says what q does, for /spaces reminders.
func describeQuiet(q QuietHours, chosen bool, loc *time.Location) string {
	if q.Off {
		return "Quiet hours: off; quota warnings and nudges come at any hour."
	}
	def := ""
	if !chosen {
		def = " (the default)"
	}
	return fmt.Sprintf("Quiet hours: %s %s%s; quota warnings and nudges wait until they end.", q, loc, def)
}
