package bot

import (
	"context"
	"strings"
	"time"
)

// OptionType is the type of a command option. The router parses raw option
// text by type (see option.go); adapters map types to platform types
// (Discord integer, user and channel options; Slack and console text).
type OptionType int

const (
	OptString    OptionType = iota // free text, bounded by Option.MaxLen
	OptInt                         // integer within Option.Min..Option.Max
	OptUser                        // a user: <@U123|alice>, <@123>, @alice or a bare id → user id
	OptChannel                     // a channel: <#C123|news>, <#123>, #news or a bare id → channel id
	OptTime                        // wall-clock time HH:MM → TimeOfDay
	OptDate                        // calendar date YYYY-MM-DD → Date
	OptDateTime                    // "YYYY-MM-DD HH:MM" → DateTime (read in the user's zone)
	OptDuration                    // "60m", "1h30m" → time.Duration
	OptDurations                   // "60m,10m" → []time.Duration
	OptWeekdays                    // "tue,thu", "mon-fri", "daily" → Weekdays
	OptWeekday                     // "mon" → time.Weekday
	OptTimeZone                    // IANA name → *time.Location
	OptURL                         // X Space URL or bare id → Space id (string)
	OptMonth                       // "2026-12" → Month
	OptCountries                   // "US,CA" → []string (upper case)
)

// DateTime is a wall-clock date and time with no zone; the handler reads it
// in the user's zone.
type DateTime struct {
	Date Date
	Time TimeOfDay
}

// Month is a calendar month: the stipend report's unit.
type Month struct {
	Year  int
	Month time.Month
}

// Option describes one option of a command.
type Option struct {
	Name     string
	Type     OptionType
	Help     string
	Required bool
	Choices  []string // allowed values of an OptString, shown in help
	// Positional lets one bare word after the path fill this option
	// (`/spaces reminders off`).
	Positional bool
	MaxLen     int    // OptString: maximum length in runes; 0 means 200
	Hint       string // the value's placeholder in usage ("22-08|off"); empty: the type's
	Min, Max   int    // OptInt bounds, inclusive
	// Suggest says where choices come from while the user types the
	// option (Discord autocomplete); Router.Suggest serves them.
	Suggest Suggester
}

// Suggester is a source of autocomplete choices for an option.
type Suggester int

const (
	SuggestNone         Suggester = iota
	SuggestZones                  // common IANA time zones
	SuggestOwnSchedules           // the user's own recurring Spaces, by id
)

// MaxLength is the most runes an OptString option takes.
func (o Option) MaxLength() int {
	if o.MaxLen <= 0 {
		return defaultMaxLen
	}
	return o.MaxLen
}

// Access says who may run a command.
type Access int

const (
	AnyUser   Access = iota // anyone in the workspace (help, apply)
	StaffOnly               // staff only
)

// Command is one entry of the command table: everything an adapter needs to
// expose it and everything the router needs to run it.
type Command struct {
	Path    []string // ["spaces", "schedule", "add"]
	Help    string   // one line, shown in help and as the Discord description
	Options []Option
	Access  Access
	Example string // a full example invocation, shown in help
	// Slow commands may take more than a couple of seconds (reports,
	// exports); adapters defer their reply first.
	Slow bool
	// GroupDefault marks the command that a bare group runs when options
	// follow it: "/announce text:hi" runs "/announce send". Platforms that
	// need a subcommand (Discord) still show it as /announce send.
	GroupDefault bool
	// LazyProfile marks a command that asks for the user's platform
	// profile (Request.Profile) only when it needs it: for a staff
	// decision (Call.staff), or for a member with no zone on record
	// (Router.host). /spaces log and /spaces status, which hosts run most,
	// rarely need more than the host's record holds. Every other command
	// gets the profile before it runs.
	LazyProfile bool

	run func(r *Router, ctx context.Context, c *Call) (Response, error)
}

// Name returns the path joined by spaces: "spaces schedule add".
func (c *Command) Name() string { return strings.Join(c.Path, " ") }

// Option returns the named option, or nil.
func (c *Command) Option(name string) *Option {
	for i := range c.Options {
		if c.Options[i].Name == name {
			return &c.Options[i]
		}
	}
	return nil
}
