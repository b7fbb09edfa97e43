package bot

import (
	"context"
	"fmt"
	"strings"
)

// Suggestion is one autocomplete choice for an option being typed.
type Suggestion struct {
	Label string // what the user sees
	Value string // what the option is set to
}

// maxSuggestions bounds a list of choices to what a person reads while
// typing; platforms clip further to their own limits.
const maxSuggestions = 25

// Suggest returns choices for option while the user types it (Discord
// autocomplete): time zones for tz options, the user's own schedules for id.
func (r *Router) Suggest(ctx context.Context, req Request, option, typed string) []Suggestion {
	cmd := Lookup(req.Path)
	if cmd == nil || cmd.Option(option) == nil {
		return nil
	}
	switch cmd.Option(option).Suggest {
	case SuggestZones:
		return suggestZones(typed)
	case SuggestOwnSchedules:
		return r.suggestSchedules(ctx, req, typed)
	}
	return nil
}

// suggestZones offers the common zones that contain what was typed, then
// the other zones that do, by canonical name; a zone's old name (US/Pacific)
// offers the zone it stands for.
func suggestZones(typed string) []Suggestion {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []Suggestion
	seen := map[string]bool{}
	offer := func(name string) bool {
		if !seen[name] {
			seen[name] = true
			out = append(out, Suggestion{Label: name, Value: name})
		}
		return len(out) == maxSuggestions
	}
	for _, z := range commonZones {
		if strings.Contains(strings.ToLower(z), typed) && offer(z) {
			return out
		}
	}
	if len(typed) < 2 {
		return out
	}
	if name, why := canonicalZone(typed); why == "" && offer(name) {
		return out
	}
	for _, z := range allZones() {
		if strings.Contains(strings.ToLower(z), typed) && offer(z) {
			return out
		}
	}
	return out
}

// suggestSchedules offers the user's schedules by number, or, for staff
// who have filled in user:, that host's.
func (r *Router) suggestSchedules(ctx context.Context, req Request, typed string) []Suggestion {
	owner := req.UserID
	if o := Lookup(req.Path).Option("user"); o != nil && req.Staff && req.Options["user"] != "" {
		if v, err := parseOption(o, req.Options["user"]); err == nil {
			owner = v.(string)
		}
	}
	list, err := r.store.SchedulesOf(ctx, req.Workspace, owner)
	if err != nil {
		r.log.Warn("schedule suggestions failed", "err", err)
		return nil
	}
	var out []Suggestion
	for _, s := range list {
		n := fmt.Sprint(s.Number)
		label := fmt.Sprintf("#%d %s (%s %s)", s.Number, s.Title, s.Days, s.At)
		if strings.HasPrefix(n, typed) || strings.Contains(strings.ToLower(label), strings.ToLower(typed)) {
			out = append(out, Suggestion{Label: echoInput(label), Value: n})
			if len(out) == maxSuggestions {
				break
			}
		}
	}
	return out
}

// commonZones are the zones offered first while typing; any place's zone
// is accepted (see ParseZone).
var commonZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "America/Toronto", "America/Vancouver",
	"America/Halifax", "America/St_Johns", "America/Mexico_City", "America/Bogota", "America/Lima",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Santiago", "Europe/London", "Europe/Dublin",
	"Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
	"Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul", "Europe/Kyiv", "Europe/Moscow",
	"Africa/Lagos", "Africa/Cairo", "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi",
	"Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Manila",
	"Asia/Hong_Kong", "Asia/Shanghai", "Asia/Seoul", "Asia/Tokyo", "Australia/Perth", "Australia/Adelaide",
	"Australia/Sydney", "Australia/Brisbane", "Pacific/Auckland", "UTC",
}
