package bot

import "time"

// Defaults of a new cohort, from the program's rules.
const (
	DefaultQuota         = 2
	DefaultWeeks         = 12
	DefaultZone          = "America/New_York"
	DefaultWeekStart     = time.Monday
	DefaultMinFollowers  = 5000
	DefaultLastCallHours = 48
	HostBackfillDays     = 7
	DefaultStipend       = 2500 // USD a month
)

// DefaultCountries are the countries a new cohort accepts applications from.
var DefaultCountries = []string{"US"}

// DefaultLeads are the reminder lead times of a host who has not chosen any.
var DefaultLeads = []time.Duration{60 * time.Minute, 10 * time.Minute}

// Cohort is a workspace's program: its dates, quota, rules and channels.
// A workspace runs one cohort at a time and keeps every one it ran.
type Cohort struct {
	// ID numbers a workspace's cohorts 1, 2, … in the order they were
	// created; it names the cohort in job keys and memberships.
	ID            int
	Name          string
	Start         Date
	Weeks         int
	Quota         int
	Zone          string // IANA name
	WeekStart     time.Weekday
	MinFollowers  int
	Countries     []string // ISO 3166 alpha-2, upper case
	LastCallHours int
	// Stipend is what a host earns a month, in whole US dollars.
	Stipend int
	// OverlapMinutes is how close two logs of one host may start and still
	// be one Space (see overlap.go); 0 means DefaultOverlapMinutes.
	OverlapMinutes int

	DigestChannel string
	// StaffChannel receives the monthly stipend report (the digest channel if unset).
	StaffChannel    string
	AnnounceChannel string
	// FallbackChannel receives a mention of a host whose DMs fail for good.
	FallbackChannel string
	// LiveChannel, if set, hears when a linked host goes live on X (watch.go).
	LiveChannel string
	// XRetentionDays is how long after the cohort ends its X data is kept
	// (retention.go); 0 means DefaultXRetentionDays.
	XRetentionDays int

	CreatedAt time.Time
	CreatedBy string
}

// Host is one user's record in a workspace: a member of its cohorts, past
// or present, or someone who applied or set a preference before joining.
type Host struct {
	UserID string
	Name   string // display name when last seen
	Handle string // X handle, without @
	Zone   string // IANA name they chose; empty means PlatformZone, else the cohort's zone
	// PlatformZone is the zone their platform reports (a Slack profile's),
	// kept from their last command so DMs can use it too.
	PlatformZone string
	// Memberships are the periods the host belonged to each cohort, oldest
	// first; ask MemberOf, MemberAt or Presence rather than reading them.
	Memberships []Membership

	RemindersOff bool
	// Leads are reminder lead times; nil means DefaultLeads.
	Leads []time.Duration
	// Quiet are the hours warnings and nudges wait; zero means
	// DefaultQuietHours (see quiet.go).
	Quiet QuietHours

	// Excused maps a week's start date (its String) to the reason given.
	// Cohorts never overlap in time, so a date names one cohort's week.
	Excused map[string]string
}

// Membership is one period a host belonged to a cohort: from Joined (when
// they were approved or added) until Left (when removed; zero while they
// are a member). Rejoining starts a new period. The tags keep a host's
// stored record short (Left is zero for most).
type Membership struct {
	Cohort int       `json:",omitzero"` // the cohort's ID
	Joined time.Time `json:",omitzero"`
	Left   time.Time `json:",omitzero"`
}

// ApplicationState is where an application stands.
type ApplicationState string

const (
	Pending  ApplicationState = "pending"
	Approved ApplicationState = "approved"
	Rejected ApplicationState = "rejected"
)

// Application is a user's request to join a cohort.
type Application struct {
	Cohort    int // the cohort's ID
	UserID    string
	Name      string
	Handle    string
	Followers int
	Country   string
	// Show is a link to the applicant's show elsewhere (a podcast, another
	// audio platform), if they gave one.
	Show string
	// XFollows is the followers_count X gave for Handle when the
	// application came in (XChecked says when); -1: X has no such account.
	XFollows int
	XChecked time.Time
	// Failed lists the cohort rules the application did not meet, in words.
	Failed    []string
	State     ApplicationState
	Reason    string // given on rejection
	At        time.Time
	DecidedBy string
	DecidedAt time.Time
}

// Schedule is a host's recurring Space.
type Schedule struct {
	// ID is unique in the workspace and never reused: buttons, jobs and
	// platform events name the schedule by it.
	ID int64
	// Number is what the host calls it (#1, #2, …), unique among their
	// schedules, in display and in the id: option only. The store assigns
	// it: the lowest number the host has free.
	Number   int
	UserID   string
	Title    string
	Days     Weekdays
	At       TimeOfDay
	Duration time.Duration
	Zone     string // IANA name the days and time are read in

	Paused bool
	// PausedUntil is the last paused date when Paused; zero means until resumed.
	PausedUntil Date
	// Skips are single dates (in Zone) on which the Space does not happen.
	Skips []Date

	CreatedAt time.Time
}

// SpaceLog records one Space a host hosted.
type SpaceLog struct {
	// SpaceID is the X Space id; a one-click log has a synthetic id
	// ("unverified-<schedule>-<unix>") that no real id matches.
	SpaceID   string
	UserID    string
	Title     string
	Start     time.Time
	Listeners int
	Minutes   int
	LoggedAt  time.Time
	// ScheduleID and Occurrence name the scheduled occurrence this log
	// stands for, if any (see occurrence.go).
	ScheduleID int64
	Occurrence time.Time
	// Provenance is how the log is known (one-click, link, staff, X).
	Provenance Provenance
	// LoggedBy is the staff member who logged it for the host; empty when
	// the host logged it (or X did).
	LoggedBy string
	// Forced is set when staff logged it with force:true although it
	// overlaps another of the host's logs; it then counts on its own.
	Forced bool
}
