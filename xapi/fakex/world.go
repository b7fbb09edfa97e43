package fakex

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// User is an X account the fake knows.
type User struct {
	ID        string `json:"id"`       // decimal, like "1001"
	Username  string `json:"username"` // without the @
	Name      string `json:"name,omitempty"`
	Followers int    `json:"followers,omitempty"`
}

// Space is a Space the fake knows. State is "live", "scheduled" or
// "ended". Gone means X no longer returns it: lookups answer not found,
// as X does for most ended Spaces.
type Space struct {
	ID               string    `json:"id"`
	State            string    `json:"state"`
	Title            string    `json:"title,omitempty"`
	CreatorID        string    `json:"creator_id"`
	HostIDs          []string  `json:"host_ids,omitempty"` // default: the creator
	SpeakerIDs       []string  `json:"speaker_ids,omitempty"`
	CreatedAt        time.Time `json:"created_at,omitzero"`
	StartedAt        time.Time `json:"started_at,omitzero"`
	EndedAt          time.Time `json:"ended_at,omitzero"`
	ScheduledStart   time.Time `json:"scheduled_start,omitzero"`
	ParticipantCount int       `json:"participant_count,omitempty"`
	IsTicketed       bool      `json:"is_ticketed,omitempty"`
	Gone             bool      `json:"gone,omitempty"`
	// Timeline scripts how it changes as it is polled (timeline.go).
	Timeline []Step `json:"timeline,omitempty"`
}

// World is everything the fake knows: the format of cmd/fakex's file.
type World struct {
	Users  []User  `json:"users"`
	Spaces []Space `json:"spaces"`
}

// maxWorld bounds a world file.
const maxWorld = 8 << 20

// ReadWorld parses a world (JSON, unknown fields refused) and checks it.
func ReadWorld(r io.Reader) (World, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxWorld))
	dec.DisallowUnknownFields()
	var w World
	if err := dec.Decode(&w); err != nil {
		return World{}, fmt.Errorf("not a world file: %w", err)
	}
	if _, _, _, err := buildWorld(w, time.Now()); err != nil {
		return World{}, err
	}
	return w, nil
}

// SetWorld replaces every user and Space; rate windows and counters stay.
func (s *Server) SetWorld(w World) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	users, byName, spaces, err := buildWorld(w, s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	s.users, s.byName, s.spaces = users, byName, spaces
	return nil
}

// World returns everything the fake knows, sorted by id.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w World
	for _, u := range s.users {
		w.Users = append(w.Users, u)
	}
	for _, sp := range s.spaces {
		w.Spaces = append(w.Spaces, *sp)
	}
	slices.SortFunc(w.Users, func(a, b User) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(w.Spaces, func(a, b Space) int { return strings.Compare(a.ID, b.ID) })
	return w
}

func buildWorld(w World, now time.Time) (map[string]User, map[string]string, map[string]*Space, error) {
	users, byName := map[string]User{}, map[string]string{}
	for _, u := range w.Users {
		if err := addUser(users, byName, u); err != nil {
			return nil, nil, nil, err
		}
	}
	spaces := map[string]*Space{}
	for _, sp := range w.Spaces {
		sp.HostIDs, sp.SpeakerIDs, sp.Timeline = slices.Clone(sp.HostIDs), slices.Clone(sp.SpeakerIDs), slices.Clone(sp.Timeline)
		if _, dup := spaces[sp.ID]; dup {
			return nil, nil, nil, fmt.Errorf("space %q is in the world twice", sp.ID)
		}
		if err := fillSpace(&sp, users, now); err != nil {
			return nil, nil, nil, err
		}
		spaces[sp.ID] = &sp
	}
	return users, byName, spaces, nil
}

func addUser(users map[string]User, byName map[string]string, u User) error {
	switch {
	case !digits(u.ID, 19):
		return fmt.Errorf("user %q: id must be 1-19 digits, like \"1001\"", u.ID)
	case !username(u.Username):
		return fmt.Errorf("user %q: username must be 1-15 letters, digits or _, without @", u.Username)
	case u.Followers < 0:
		return fmt.Errorf("user %q: followers cannot be negative", u.Username)
	}
	if _, dup := users[u.ID]; dup {
		return fmt.Errorf("user id %q is in the world twice", u.ID)
	}
	if _, dup := byName[strings.ToLower(u.Username)]; dup {
		return fmt.Errorf("username %q is in the world twice", u.Username)
	}
	if u.Name == "" {
		u.Name = u.Username
	}
	users[u.ID] = u
	byName[strings.ToLower(u.Username)] = u.ID
	return nil
}

// fillSpace checks a Space and fills what X would know: hosts (the
// creator), created_at, and a start or end time left out (now).
func fillSpace(sp *Space, users map[string]User, now time.Time) error {
	if !spaceID(sp.ID) {
		return fmt.Errorf("space %q: id must be 1-32 letters and digits, like \"1eaKbrPAqbwKX\"", sp.ID)
	}
	if _, ok := users[sp.CreatorID]; !ok {
		return fmt.Errorf("space %q: creator_id %q is not one of the users", sp.ID, sp.CreatorID)
	}
	for _, id := range append(slices.Clone(sp.HostIDs), sp.SpeakerIDs...) {
		if !digits(id, 19) {
			return fmt.Errorf("space %q: %q is not a user id", sp.ID, id)
		}
	}
	if len(sp.HostIDs) == 0 {
		sp.HostIDs = []string{sp.CreatorID}
	}
	switch sp.State {
	case "scheduled":
		if sp.ScheduledStart.IsZero() {
			return fmt.Errorf("space %q: a scheduled Space needs scheduled_start", sp.ID)
		}
	case "live":
		sp.StartedAt = orNow(sp.StartedAt, now)
	case "ended":
		sp.StartedAt = orNow(sp.StartedAt, now)
		sp.EndedAt = orNow(sp.EndedAt, now)
	default:
		return fmt.Errorf("space %q: state must be live, scheduled or ended, not %q", sp.ID, sp.State)
	}
	if sp.ParticipantCount < 0 {
		return fmt.Errorf("space %q: participant_count cannot be negative", sp.ID)
	}
	if err := checkTimeline(sp); err != nil {
		return err
	}
	if sp.CreatedAt.IsZero() {
		sp.CreatedAt = firstOf(sp.StartedAt, sp.ScheduledStart, now)
	}
	return nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// firstOf is the earliest non-zero time of ts.
func firstOf(ts ...time.Time) time.Time {
	var first time.Time
	for _, t := range ts {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// AddUser adds (or replaces) an account. It panics on an invalid one: a
// test's mistake.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.users[u.ID]; ok {
		delete(s.users, u.ID)
		delete(s.byName, strings.ToLower(old.Username))
	}
	if err := addUser(s.users, s.byName, u); err != nil {
		panic("fakex: " + err.Error())
	}
}

// AddSpace adds (or replaces) a Space. It panics on an invalid one.
func (s *Server) AddSpace(sp Space) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp.HostIDs = slices.Clone(sp.HostIDs)
	sp.SpeakerIDs = slices.Clone(sp.SpeakerIDs)
	sp.Timeline = slices.Clone(sp.Timeline)
	if err := fillSpace(&sp, s.users, s.cfg.Clock.Now()); err != nil {
		panic("fakex: " + err.Error())
	}
	s.spaces[sp.ID] = &sp
}

// GoLive starts a (scheduled) Space at at.
func (s *Server) GoLive(id string, at time.Time) {
	s.change(id, func(sp *Space) { sp.State, sp.StartedAt = "live", at })
}

// SetParticipants sets how many are in a Space now.
func (s *Server) SetParticipants(id string, n int) {
	s.change(id, func(sp *Space) { sp.ParticipantCount = max(n, 0) })
}

// End ends a Space at at. X still returns it, as ended, until Forget.
func (s *Server) End(id string, at time.Time) {
	s.change(id, func(sp *Space) { sp.State, sp.EndedAt = "ended", at })
}

// Forget makes X stop returning a Space: lookups answer not found.
func (s *Server) Forget(id string) {
	s.change(id, func(sp *Space) { sp.Gone = true })
}

func (s *Server) change(id string, f func(*Space)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.spaces[id]
	if !ok {
		panic(fmt.Sprintf("fakex: no Space %q", id))
	}
	f(sp)
}

func digits(s string, n int) bool {
	if len(s) < 1 || len(s) > n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func spaceID(s string) bool {
	return len(s) >= 1 && len(s) <= 32 && strings.IndexFunc(s, func(r rune) bool { return !alnum(r) }) < 0
}

func username(s string) bool {
	return len(s) >= 1 && len(s) <= 15 && strings.IndexFunc(s, func(r rune) bool { return !alnum(r) && r != '_' }) < 0
}

func alnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
