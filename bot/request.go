package bot

import (
	"context"
	"strings"
	"time"
)

// Platform names where a request came from.
type Platform string

const (
	Console Platform = "console"
	Discord Platform = "discord"
	Slack   Platform = "slack"
)

// WorkspaceRef names one Discord server, Slack workspace or console session.
// All of a workspace's data is kept apart from every other workspace's.
type WorkspaceRef struct {
	Platform Platform
	ID       string
}

// Key is the workspace's storage key, unique across platforms.
func (w WorkspaceRef) Key() string { return string(w.Platform) + ":" + w.ID }

// WorkspaceOfKey reads a WorkspaceRef back from its Key(); ok is false
// when key is not platform:id.
func WorkspaceOfKey(key string) (w WorkspaceRef, ok bool) {
	platform, id, ok := strings.Cut(key, ":")
	return WorkspaceRef{Platform: Platform(platform), ID: id}, ok
}

// Request is one command, or one button click, from one user.
type Request struct {
	Workspace WorkspaceRef
	UserID    string // platform user id (the console uses the name)
	UserName  string // display name, for replies and reports
	// UserZone is the zone the platform reports for the user (Slack's
	// profile tz), if any; used when the host has not chosen one.
	UserZone string
	// Staff is the adapter's reading of the platform's staff mapping:
	// Discord role or Manage Server, Slack staff ids or admins, console flag.
	Staff   bool
	Channel string // channel id the command was typed in

	// Profile, when set, asks the platform for what the request itself did
	// not say: the user's display name, profile zone and whether they are
	// staff (a Slack command carries none of them, and users.info costs a
	// round trip and a share of a tight rate limit). Until it is called,
	// UserName, UserZone and Staff hold only what the adapter knew without
	// asking. The router calls it at most once: before the command runs,
	// or, for a command marked LazyProfile, only if the command needs it.
	Profile func(ctx context.Context) Profile

	// Path is the command path, e.g. ["spaces", "log"].
	Path []string
	// Options are raw option values by name, as the user typed them or as
	// the platform delivered them (ids for users and channels). The router
	// parses them by the command table's types.
	Options map[string]string

	// Action is set, instead of Path, when the request is a button click.
	Action *Action
}

// Profile is what a platform says of a user when asked.
type Profile struct {
	Name  string // display name; empty if the platform did not say
	Zone  string // IANA zone of their profile; empty if none
	Staff bool
}

// ResolveProfile asks the platform for the user's profile, if it has not
// been asked yet, and takes the name, zone and staff standing it gives.
// The router does this itself (see Profile); adapters' tests use it to see
// a request as the router does.
func (r *Request) ResolveProfile(ctx context.Context) {
	if r.Profile == nil {
		return
	}
	p := r.Profile(ctx)
	r.Profile = nil
	if p.Name != "" {
		r.UserName = p.Name
	}
	if p.Zone != "" {
		r.UserZone = p.Zone
	}
	r.Staff = r.Staff || p.Staff
}

// Action is a click on a Button the bot sent.
type Action struct {
	ID    string
	Value string
}

// Notifier delivers what the bot says on its own: DMs and channel posts.
// Each adapter implements it for its platform.
type Notifier interface {
	DM(ctx context.Context, ws WorkspaceRef, userID string, msg Message) error
	Post(ctx context.Context, ws WorkspaceRef, channelID string, msg Message) error
}

// SpaceEvent is one upcoming scheduled Space, for platforms that can show
// it as an event of their own (Discord Scheduled Events).
type SpaceEvent struct {
	// Key names the occurrence, stable across syncs: "<schedule id>:<unix start>".
	Key      string
	Title    string // the Space's title, as the host typed it
	HostID   string // the host's platform user id
	Location string // the host's X profile
	Start    time.Time
	End      time.Time
}

// EventPublisher is an optional Notifier capability: keeping a workspace's
// platform events equal to the upcoming Spaces given.
type EventPublisher interface {
	SyncEvents(ctx context.Context, ws WorkspaceRef, upcoming []SpaceEvent) error
}
