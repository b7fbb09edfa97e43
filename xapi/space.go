package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// State is a Space's state on X.
type State string

// The states X documents. Others are passed on as they come.
const (
	StateLive      State = "live"
	StateScheduled State = "scheduled"
	StateEnded     State = "ended"
)

// Space is a Space as X describes it. Times are zero when X did not send
// them: StartedAt until it goes live, EndedAt until it ends,
// ScheduledStart for a Space that was never scheduled.
type Space struct {
	ID    string
	State State
	Title string
	// CreatorID is the X user who created it; CreatorUsername their
	// username, when X included it ("" otherwise).
	CreatorID       string
	CreatorUsername string
	HostIDs         []string
	SpeakerIDs      []string
	CreatedAt       time.Time
	StartedAt       time.Time
	EndedAt         time.Time
	ScheduledStart  time.Time
	// ParticipantCount is how many are in it now (X's participant_count).
	ParticipantCount int
	IsTicketed       bool
}

// HostedBy reports whether the X user userID created the Space or is one of
// its hosts.
func (s Space) HostedBy(userID string) bool {
	if userID == "" {
		return false
	}
	if s.CreatorID == userID {
		return true
	}
	for _, h := range s.HostIDs {
		if h == userID {
			return true
		}
	}
	return false
}

// SpaceResult is the answer to a lookup of several Spaces.
type SpaceResult struct {
	Spaces []Space
	// NotFound are the ids X answered "not found" for: Space ids for
	// Spaces (often an ended Space X no longer returns), user ids for
	// SpacesByCreators.
	NotFound []string
	// Problems are the other partial errors, one per id.
	Problems []Problem
}

// spaceFields is asked for on every Spaces request: X sends only id and
// state unless asked.
const spaceFields = "state,title,created_at,started_at,ended_at,scheduled_start,participant_count,host_ids,creator_id,speaker_ids,is_ticketed"

// spaceQuery asks for spaceFields and for the creator's user object (id,
// name and username) in includes.
func spaceQuery(key, ids string) url.Values {
	q := url.Values{"space.fields": {spaceFields}, "expansions": {"creator_id"}}
	if key != "" {
		q.Set(key, ids)
	}
	return q
}

// Space looks up one Space (GET /2/spaces/:id). A Space X cannot find —
// ended ones often — is ErrNotFound.
func (c *Client) Space(ctx context.Context, id string) (Space, error) {
	if !validSpaceID(id) {
		return Space{}, fmt.Errorf("xapi: %q is not a Space id", bound(id, 40))
	}
	body, err := c.get(ctx, EndpointSpace, "/2/spaces/"+id, spaceQuery("", ""))
	if err != nil {
		return Space{}, err
	}
	var b spaceBody
	if err := json.Unmarshal(body, &b); err != nil {
		return Space{}, c.malformed(EndpointSpace, err)
	}
	if b.Data == nil {
		return Space{}, c.onlyErrors(EndpointSpace, b.Errors)
	}
	s, ok := toSpace(*b.Data, creatorNames(b.Includes))
	if !ok || s.ID != id {
		return Space{}, c.malformed(EndpointSpace, errors.New("the Space in the answer is not the one asked for"))
	}
	return s, nil
}

// Spaces looks up to 100 Spaces by id (GET /2/spaces?ids=). Ids X cannot
// find are in the result's NotFound, not an error.
func (c *Client) Spaces(ctx context.Context, ids []string) (SpaceResult, error) {
	list, err := idList("Space", ids, validSpaceID)
	if err != nil || list == "" {
		return SpaceResult{}, err
	}
	return c.spaceList(ctx, EndpointSpaces, "/2/spaces", spaceQuery("ids", list))
}

// SpacesByCreators returns the live and scheduled Spaces created by up to
// 100 X users (GET /2/spaces/by/creator_ids?user_ids=); X returns no ended
// Spaces here. The client sends at most one such request a second.
func (c *Client) SpacesByCreators(ctx context.Context, userIDs []string) (SpaceResult, error) {
	list, err := idList("user", userIDs, validUserID)
	if err != nil || list == "" {
		return SpaceResult{}, err
	}
	return c.spaceList(ctx, EndpointSpacesByCreators, "/2/spaces/by/creator_ids", spaceQuery("user_ids", list))
}

func (c *Client) spaceList(ctx context.Context, e Endpoint, path string, q url.Values) (SpaceResult, error) {
	body, err := c.get(ctx, e, path, q)
	if err != nil {
		return SpaceResult{}, err
	}
	r, err := c.decodeSpaceList(body)
	if err != nil {
		return SpaceResult{}, c.malformed(e, err)
	}
	return r, nil
}

// decodeSpaceList parses a list answer, keeping the well-formed Spaces.
func (c *Client) decodeSpaceList(body []byte) (SpaceResult, error) {
	var b spaceListBody
	if err := json.Unmarshal(body, &b); err != nil {
		return SpaceResult{}, err
	}
	var r SpaceResult
	if len(b.Data) > 0 {
		names := creatorNames(b.Includes)
		r.Spaces = make([]Space, 0, len(b.Data))
		for _, w := range b.Data {
			if s, ok := toSpace(w, names); ok {
				r.Spaces = append(r.Spaces, s)
			}
		}
	}
	r.NotFound, r.Problems = c.partial(b.Errors)
	return r, nil
}

// idList checks and de-duplicates ids and joins them for the query.
func idList(kind string, ids []string, valid func(string) bool) (string, error) {
	if len(ids) > maxIDsAsked {
		return "", fmt.Errorf("xapi: %d %s ids asked for at once; X takes at most %d", len(ids), kind, maxIDsAsked)
	}
	seen := make(map[string]bool, len(ids))
	var b strings.Builder
	for _, id := range ids {
		if !valid(id) {
			return "", fmt.Errorf("xapi: %q is not a %s id", bound(id, 40), kind)
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id)
	}
	return b.String(), nil
}

// creatorNames maps the user ids in includes to their usernames.
func creatorNames(inc wireIncludes) map[string]string {
	if len(inc.Users) == 0 {
		return nil
	}
	m := make(map[string]string, len(inc.Users))
	for _, u := range inc.Users {
		if validUserID(u.ID) && validUsername(u.Username) {
			m[u.ID] = u.Username
		}
	}
	return m
}

// toSpace checks and bounds what X said of a Space; ok is false when its id
// is not one.
func toSpace(w wireSpace, names map[string]string) (Space, bool) {
	if !validSpaceID(w.ID) {
		return Space{}, false
	}
	s := Space{
		ID:               w.ID,
		State:            State(bound(w.State, 20)),
		Title:            bound(w.Title, maxTitle),
		HostIDs:          validIDs(w.HostIDs, validUserID),
		SpeakerIDs:       validIDs(w.SpeakerIDs, validUserID),
		CreatedAt:        w.CreatedAt,
		StartedAt:        w.StartedAt,
		EndedAt:          w.EndedAt,
		ScheduledStart:   w.ScheduledStart,
		ParticipantCount: min(max(w.ParticipantCount, 0), maxCount),
		IsTicketed:       w.IsTicketed,
	}
	if validUserID(w.CreatorID) {
		s.CreatorID = w.CreatorID
		s.CreatorUsername = names[w.CreatorID]
	}
	return s, true
}

// partial sorts a body's errors into not-found ids and other problems.
func (c *Client) partial(errs []wireProblem) ([]string, []Problem) {
	var notFound []string
	var problems []Problem
	for _, p := range errs {
		id := bound(p.id(), 40)
		if p.notFound() && id != "" {
			notFound = append(notFound, id)
			continue
		}
		problems = append(problems, Problem{ResourceID: id, ResourceType: bound(p.ResourceType, 20),
			Title: c.redact.clean(p.Title), Detail: c.redact.clean(p.Detail)})
	}
	return notFound, problems
}

// onlyErrors is the error for a 200 answer to a one-object lookup that has
// no data: ErrNotFound when X says so, the problem otherwise.
func (c *Client) onlyErrors(e Endpoint, errs []wireProblem) error {
	for _, p := range errs {
		if p.notFound() {
			return statusError(e, ErrNotFound)
		}
	}
	if len(errs) == 0 {
		return c.malformed(e, errors.New("the answer has neither data nor errors"))
	}
	p := errs[0]
	return &APIError{Endpoint: e, Status: 200, Title: c.redact.clean(p.Title),
		Detail: c.redact.clean(p.Detail), Type: c.redact.clean(p.Type)}
}

// malformed is an answer that is not X's wire format.
func (c *Client) malformed(e Endpoint, err error) error {
	return &APIError{Endpoint: e, Status: 200, Title: "malformed answer", Detail: c.redact.clean(err.Error())}
}
