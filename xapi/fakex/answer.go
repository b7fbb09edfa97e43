package fakex

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"sparkbot/xapi"
)

// query is a request's checked query string.
type query struct {
	ids         []string        // ids or user_ids
	spaceFields map[string]bool // space.fields
	userFields  map[string]bool // user.fields
	expansions  map[string]bool
}

// What X accepts in each query parameter (from its v2 reference).
var (
	knownSpaceFields = set("created_at", "creator_id", "ended_at", "host_ids", "id", "invited_user_ids",
		"is_ticketed", "lang", "participant_count", "scheduled_start", "speaker_ids", "started_at",
		"state", "subscriber_count", "title", "topic_ids", "updated_at")
	knownUserFields = set("affiliation", "connection_status", "created_at", "description", "entities",
		"id", "location", "most_recent_tweet_id", "name", "pinned_tweet_id", "profile_banner_url",
		"profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscription_type",
		"url", "username", "verified", "verified_type", "withheld")
	spaceExpansions = set("creator_id", "host_ids", "invited_user_ids", "speaker_ids", "topic_ids")
	userExpansions  = set("affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id")
)

// params is which query parameters each endpoint takes, and which one
// carries its ids.
var params = map[xapi.Endpoint]struct {
	allowed map[string]bool
	ids     string
}{
	xapi.EndpointUserByName:       {set("user.fields", "expansions", "tweet.fields"), ""},
	xapi.EndpointSpace:            {set("space.fields", "expansions", "user.fields", "topic.fields"), ""},
	xapi.EndpointSpaces:           {set("ids", "space.fields", "expansions", "user.fields", "topic.fields"), "ids"},
	xapi.EndpointSpacesByCreators: {set("user_ids", "space.fields", "expansions", "user.fields", "topic.fields"), "user_ids"},
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkQuery refuses what X refuses with 400: unknown parameters, unknown
// field names, a missing, empty or malformed id list, more than 100 ids.
func checkQuery(e xapi.Endpoint, v url.Values) (query, any) {
	p := params[e]
	for name := range v {
		if !p.allowed[name] {
			return query{}, invalid(name, v.Get(name), fmt.Sprintf("The query parameter [%s] is not one of [%s]", name, keys(p.allowed)))
		}
	}
	var q query
	var bad any
	if q.spaceFields, bad = fieldList(v, "space.fields", knownSpaceFields); bad != nil {
		return query{}, bad
	}
	if q.userFields, bad = fieldList(v, "user.fields", knownUserFields); bad != nil {
		return query{}, bad
	}
	exp := spaceExpansions
	if e == xapi.EndpointUserByName {
		exp = userExpansions
	}
	if q.expansions, bad = fieldList(v, "expansions", exp); bad != nil {
		return query{}, bad
	}
	if p.ids != "" {
		if q.ids, bad = idParam(e, v, p.ids); bad != nil {
			return query{}, bad
		}
	}
	return q, nil
}

func fieldList(v url.Values, name string, known map[string]bool) (map[string]bool, any) {
	raw, ok := v[name]
	if !ok {
		return map[string]bool{}, nil
	}
	got := map[string]bool{}
	for _, f := range strings.Split(strings.Join(raw, ","), ",") {
		if !known[f] {
			return nil, invalid(name, f, fmt.Sprintf("The `%s` query parameter value [%s] is not one of [%s]", name, f, keys(known)))
		}
		got[f] = true
	}
	return got, nil
}

func idParam(e xapi.Endpoint, v url.Values, name string) ([]string, any) {
	raw := v.Get(name)
	if raw == "" {
		return nil, invalid(name, "", fmt.Sprintf("The `%s` query parameter can not be empty", name))
	}
	ids := strings.Split(raw, ",")
	if len(ids) > 100 {
		return nil, invalid(name, raw, fmt.Sprintf("The `%s` query parameter value [%s] is not between 1 and 100", name, raw))
	}
	valid := spaceID
	if e == xapi.EndpointSpacesByCreators {
		valid = func(s string) bool { return digits(s, 19) }
	}
	for _, id := range ids {
		if !valid(id) {
			return nil, invalid(name, id, fmt.Sprintf("The `%s` query parameter value [%s] is not valid", name, id))
		}
	}
	return ids, nil
}

func keys(m map[string]bool) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ",")
}

// invalid is X's 400 body.
func invalid(param, value, message string) any {
	return map[string]any{
		"errors": []any{map[string]any{
			"parameters": map[string][]string{param: {value}},
			"message":    message,
		}},
		"title":  "Invalid Request",
		"detail": "One or more parameters to your request was invalid.",
		"type":   "https://api.twitter.com/2/problems/invalid-request",
	}
}

// problem is X's body for a whole-request error (401, 429, 5xx).
func problem(title, detail, typ string, status int) any {
	return map[string]any{"title": title, "detail": detail, "type": typ, "status": status}
}

// notFound is one partial error for an id X cannot find.
func notFound(kind, param, id string) map[string]any {
	return map[string]any{
		"value":         id,
		"detail":        fmt.Sprintf("Could not find %s with %s: [%s].", kind, param, id),
		"title":         "Not Found Error",
		"resource_type": kind,
		"parameter":     param,
		"resource_id":   id,
		"type":          "https://api.twitter.com/2/problems/resource-not-found",
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) userByName(r *http.Request, q query) (int, any) {
	name := r.PathValue("username")
	id, ok := s.byName[strings.ToLower(name)]
	if !username(name) || !ok {
		return http.StatusOK, map[string]any{"errors": []any{notFound("user", "username", name)}}
	}
	return http.StatusOK, map[string]any{"data": s.userJSON(s.users[id], q.userFields)}
}

func (s *Server) space(r *http.Request, q query) (int, any) {
	id := r.PathValue("id")
	sp, ok := s.spaces[id]
	if !spaceID(id) || !ok || sp.Gone {
		return http.StatusOK, map[string]any{"errors": []any{notFound("space", "id", id)}}
	}
	body := map[string]any{"data": spaceJSON(sp, q.spaceFields)}
	s.include(body, []*Space{sp}, q)
	return http.StatusOK, body
}

func (s *Server) spacesByIDs(_ *http.Request, q query) (int, any) {
	var found []*Space
	var errs []any
	for _, id := range q.ids {
		if sp, ok := s.spaces[id]; ok && !sp.Gone {
			found = append(found, sp)
		} else {
			errs = append(errs, notFound("space", "ids", id))
		}
	}
	return http.StatusOK, s.list(found, errs, q, false)
}

// spacesByCreators answers with the live and scheduled Spaces the users
// created, as X does; ended ones never appear here.
func (s *Server) spacesByCreators(_ *http.Request, q query) (int, any) {
	s.countPolls(q.ids)
	asked := set(q.ids...)
	var found []*Space
	for _, sp := range s.spaces {
		if asked[sp.CreatorID] && !sp.Gone && (sp.State == "live" || sp.State == "scheduled") {
			found = append(found, sp)
		}
	}
	slices.SortFunc(found, func(a, b *Space) int { return strings.Compare(a.ID, b.ID) })
	var errs []any
	for _, id := range q.ids {
		if _, ok := s.users[id]; !ok {
			errs = append(errs, notFound("user", "user_ids", id))
		}
	}
	return http.StatusOK, s.list(found, errs, q, true)
}

func (s *Server) list(found []*Space, errs []any, q query, meta bool) map[string]any {
	body := map[string]any{}
	if len(found) > 0 {
		data := make([]any, len(found))
		for i, sp := range found {
			data[i] = spaceJSON(sp, q.spaceFields)
		}
		body["data"] = data
		s.include(body, found, q)
	}
	if len(errs) > 0 {
		body["errors"] = errs
	}
	if meta {
		body["meta"] = map[string]any{"result_count": len(found)}
	}
	return body
}

// spaceJSON is a Space as X sends it: id and state always, the rest only
// when asked for in space.fields and known.
func spaceJSON(sp *Space, fields map[string]bool) map[string]any {
	m := map[string]any{"id": sp.ID, "state": sp.State}
	put := func(name string, v any, present bool) {
		if fields[name] && present {
			m[name] = v
		}
	}
	put("title", sp.Title, sp.Title != "")
	put("creator_id", sp.CreatorID, true)
	put("host_ids", sp.HostIDs, len(sp.HostIDs) > 0)
	put("speaker_ids", sp.SpeakerIDs, len(sp.SpeakerIDs) > 0)
	put("created_at", xtime(sp.CreatedAt), !sp.CreatedAt.IsZero())
	put("started_at", xtime(sp.StartedAt), !sp.StartedAt.IsZero() && sp.State != "scheduled")
	put("ended_at", xtime(sp.EndedAt), !sp.EndedAt.IsZero() && sp.State == "ended")
	put("scheduled_start", xtime(sp.ScheduledStart), !sp.ScheduledStart.IsZero())
	put("participant_count", sp.ParticipantCount, sp.State != "scheduled")
	put("is_ticketed", sp.IsTicketed, true)
	return m
}

// include adds includes.users for the expansions asked for.
func (s *Server) include(body map[string]any, spaces []*Space, q query) {
	seen := map[string]bool{}
	var users []any
	add := func(id string) {
		if u, ok := s.users[id]; ok && !seen[id] {
			seen[id] = true
			users = append(users, s.userJSON(u, q.userFields))
		}
	}
	for _, sp := range spaces {
		if q.expansions["creator_id"] {
			add(sp.CreatorID)
		}
		for _, list := range [][]string{hostsIf(q, "host_ids", sp.HostIDs), hostsIf(q, "speaker_ids", sp.SpeakerIDs)} {
			for _, id := range list {
				add(id)
			}
		}
	}
	if len(users) > 0 {
		body["includes"] = map[string]any{"users": users}
	}
}

func hostsIf(q query, expansion string, ids []string) []string {
	if q.expansions[expansion] {
		return ids
	}
	return nil
}

// userJSON is a user as X sends it: id, name and username always,
// public_metrics when asked for.
func (s *Server) userJSON(u User, fields map[string]bool) map[string]any {
	m := map[string]any{"id": u.ID, "name": u.Name, "username": u.Username}
	if fields["public_metrics"] {
		m["public_metrics"] = map[string]int{
			"followers_count": u.Followers, "following_count": 0, "tweet_count": 0, "listed_count": 0,
		}
	}
	return m
}

// xtime is X's timestamp format: UTC with milliseconds.
func xtime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
