package xapi

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// The wire format of X API v2 answers: a body has `data` (an object or an
// array), `includes` (objects the data refers to, when expansions were
// asked for), `errors` (partial errors, such as ids X could not find) and
// sometimes `meta`. Only what sparkbot reads is declared.

type wireSpace struct {
	ID               string    `json:"id"`
	State            string    `json:"state"`
	Title            string    `json:"title"`
	CreatorID        string    `json:"creator_id"`
	HostIDs          []string  `json:"host_ids"`
	SpeakerIDs       []string  `json:"speaker_ids"`
	CreatedAt        time.Time `json:"created_at"`
	StartedAt        time.Time `json:"started_at"`
	EndedAt          time.Time `json:"ended_at"`
	ScheduledStart   time.Time `json:"scheduled_start"`
	ParticipantCount int       `json:"participant_count"`
	IsTicketed       bool      `json:"is_ticketed"`
}

type wireUser struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Username      string `json:"username"`
	PublicMetrics *struct {
		FollowersCount int `json:"followers_count"`
	} `json:"public_metrics"`
}

type wireIncludes struct {
	Users []wireUser `json:"users"`
}

// wireProblem is one entry of `errors`, or a whole error body (which has
// the same title, detail and type at the top level).
type wireProblem struct {
	Title        string `json:"title"`
	Detail       string `json:"detail"`
	Type         string `json:"type"`
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
	Parameter    string `json:"parameter"`
	Value        any    `json:"value"` // a string for ids, but X does not promise it
}

type spaceBody struct {
	Data     *wireSpace    `json:"data"`
	Includes wireIncludes  `json:"includes"`
	Errors   []wireProblem `json:"errors"`
}

type spaceListBody struct {
	Data     []wireSpace   `json:"data"`
	Includes wireIncludes  `json:"includes"`
	Errors   []wireProblem `json:"errors"`
}

type userBody struct {
	Data   *wireUser     `json:"data"`
	Errors []wireProblem `json:"errors"`
}

// notFoundType is how X's problem types for "not found" end (the host part
// has been api.twitter.com and api.x.com).
const notFoundType = "/2/problems/resource-not-found"

func (p wireProblem) notFound() bool {
	return strings.HasSuffix(p.Type, notFoundType) || p.Title == "Not Found Error"
}

// id is the resource a partial error is about.
func (p wireProblem) id() string {
	if p.ResourceID != "" {
		return p.ResourceID
	}
	s, _ := p.Value.(string)
	return s
}

func parseProblem(body []byte) wireProblem {
	var p wireProblem
	if json.Unmarshal(body, &p) != nil {
		return wireProblem{}
	}
	return p
}

// Problem is a partial error X put beside the data: something about one of
// the ids asked for, other than "not found".
type Problem struct {
	ResourceID   string // the id it is about, when X says
	ResourceType string // "space", "user", …
	Title        string
	Detail       string
}

// Bounds on what X sends, so a strange answer cannot make sparkbot keep
// more than it means to.
const (
	maxTitle    = 256 // bytes of a Space's title
	maxName     = 100 // bytes of a user's display name
	maxIDList   = 100 // host_ids, speaker_ids
	maxCount    = 1 << 30
	maxIDsAsked = 100 // ids per request, X's own limit
)

// bound cuts s to at most n bytes of valid UTF-8 without splitting a rune.
func bound(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// validSpaceID: X's Space ids are short base-62 strings like 1eaKbrPAqbwKX.
func validSpaceID(s string) bool {
	return len(s) >= 1 && len(s) <= 32 && allBytes(s, isAlnum)
}

// validUserID: X's user ids are decimal numbers, up to 19 digits.
func validUserID(s string) bool {
	return len(s) >= 1 && len(s) <= 19 && allBytes(s, func(c byte) bool { return c >= '0' && c <= '9' })
}

// validUsername: 1–15 letters, digits and underscores.
func validUsername(s string) bool {
	return len(s) >= 1 && len(s) <= 15 && allBytes(s, func(c byte) bool { return isAlnum(c) || c == '_' })
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// validIDs keeps the valid ids of list, at most maxIDList of them. A list
// that is already fine is returned as it is.
func validIDs(list []string, valid func(string) bool) []string {
	if len(list) <= maxIDList && allValid(list, valid) {
		return list
	}
	var out []string
	for _, id := range list {
		if valid(id) && len(out) < maxIDList {
			out = append(out, id)
		}
	}
	return out
}

func allValid(list []string, valid func(string) bool) bool {
	for _, id := range list {
		if !valid(id) {
			return false
		}
	}
	return true
}
