package fakex_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

const token = "fake-token"

var t0 = time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)

// start runs a fake with a tiny rate limit of 3 a window, so tests reach it.
func start(t *testing.T) (*fakex.Server, *xapi.FakeWall) {
	t.Helper()
	return startWithLimit(t, 3)
}

func startWithLimit(t *testing.T, limit int) (*fakex.Server, *xapi.FakeWall) {
	t.Helper()
	wall := xapi.NewFakeWall(t0)
	x := fakex.Start(t, fakex.Config{Token: token, Clock: wall, Limit: limit})
	x.AddUser(fakex.User{ID: "1001", Username: "alice_x", Followers: 12000})
	x.AddSpace(fakex.Space{ID: "1live", State: "live", Title: "Night owls", CreatorID: "1001",
		StartedAt: t0, ParticipantCount: 143})
	x.AddSpace(fakex.Space{ID: "1ended", State: "ended", CreatorID: "1001", StartedAt: t0.Add(-time.Hour), EndedAt: t0})
	return x, wall
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func get(t *testing.T, x *fakex.Server, tok, path string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", x.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("%s: body is not JSON: %s", path, raw)
	}
	return a
}

// TestWireFormat pins the fake's answers to X's documented shapes.
func TestWireFormat(t *testing.T) {
	x, _ := startWithLimit(t, 300)
	tests := []struct {
		name   string
		tok    string
		path   string
		status int
		want   string // JSON the body must equal
	}{
		{"no fields asked: id and state only", token, "/2/spaces/1live", 200,
			`{"data":{"id":"1live","state":"live"}}`},
		{"fields and creator asked", token, "/2/spaces/1live?space.fields=title,participant_count,started_at,ended_at&expansions=creator_id", 200,
			`{"data":{"id":"1live","state":"live","title":"Night owls","participant_count":143,"started_at":"2026-12-01T20:00:00.000Z"},
			  "includes":{"users":[{"id":"1001","name":"alice_x","username":"alice_x"}]}}`},
		{"ended Space still returned", token, "/2/spaces/1ended?space.fields=ended_at", 200,
			`{"data":{"id":"1ended","state":"ended","ended_at":"2026-12-01T20:00:00.000Z"}}`},
		{"not found", token, "/2/spaces/1nope", 200,
			`{"errors":[{"value":"1nope","detail":"Could not find space with id: [1nope].","title":"Not Found Error",
			  "resource_type":"space","parameter":"id","resource_id":"1nope","type":"https://api.twitter.com/2/problems/resource-not-found"}]}`},
		{"by creators: live only, meta, partial error", token, "/2/spaces/by/creator_ids?user_ids=1001,42", 200,
			`{"data":[{"id":"1live","state":"live"}],"meta":{"result_count":1},
			  "errors":[{"value":"42","detail":"Could not find user with user_ids: [42].","title":"Not Found Error",
			  "resource_type":"user","parameter":"user_ids","resource_id":"42","type":"https://api.twitter.com/2/problems/resource-not-found"}]}`},
		{"user with public_metrics", token, "/2/users/by/username/ALICE_X?user.fields=public_metrics", 200,
			`{"data":{"id":"1001","name":"alice_x","username":"alice_x",
			  "public_metrics":{"followers_count":12000,"following_count":0,"tweet_count":0,"listed_count":0}}}`},
		{"wrong token", "nope", "/2/spaces/1live", 401,
			`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`},
		{"no token", "", "/2/spaces/1live", 401,
			`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, x, tt.tok, tt.path)
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if a.status != tt.status || !reflect.DeepEqual(a.body, want) {
				t.Errorf("GET %s = %d %v\nwant %d %v", tt.path, a.status, a.body, tt.status, want)
			}
		})
	}
}

func TestInvalidRequests(t *testing.T) {
	x, _ := startWithLimit(t, 300)
	for _, path := range []string{
		"/2/spaces/1live?space.fields=title,bogus",
		"/2/spaces/1live?mystery=1",
		"/2/spaces?ids=",
		"/2/spaces?ids=" + strings.Repeat("1a,", 100) + "1a",
		"/2/spaces/by/creator_ids?user_ids=alice",
		"/2/users/by/username/alice_x?expansions=creator_id",
	} {
		a := get(t, x, token, path)
		if a.status != 400 || a.body["title"] != "Invalid Request" {
			t.Errorf("GET %s = %d %v, want 400 Invalid Request", path, a.status, a.body)
		}
	}
}

// TestRateLimit: every answer has the x-rate-limit-* headers; past the
// limit X answers 429 until the reset; each endpoint has its own window.
func TestRateLimit(t *testing.T) {
	x, wall := start(t)
	reset := "1796156100" // t0 + 15 minutes
	for i, want := range []struct {
		status    int
		remaining string
	}{{200, "2"}, {200, "1"}, {200, "0"}, {429, "0"}} {
		a := get(t, x, token, "/2/spaces/1live")
		if a.status != want.status || a.header.Get("x-rate-limit-remaining") != want.remaining ||
			a.header.Get("x-rate-limit-limit") != "3" || a.header.Get("x-rate-limit-reset") != reset {
			t.Errorf("request %d: %d, headers %v; want %d with %s remaining until %s", i+1, a.status, a.header, want.status, want.remaining, reset)
		}
	}
	if a := get(t, x, token, "/2/spaces?ids=1live"); a.status != 200 {
		t.Errorf("another endpoint while spaces/:id is limited: %d", a.status)
	}
	wall.Advance(15 * time.Minute)
	if a := get(t, x, token, "/2/spaces/1live"); a.status != 200 || a.header.Get("x-rate-limit-remaining") != "2" {
		t.Errorf("after the reset: %d, %v", a.status, a.header)
	}
	st := x.Stats(xapi.EndpointSpace)
	want := fakex.Stats{Requests: 5, Windows: []int{4, 1}, MaxPerWindow: 4, MaxPerSecond: 4, Limited: 1, MinGap: 0}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
}

func TestPacingStats(t *testing.T) {
	x, wall := start(t)
	for _, step := range []time.Duration{0, 1200 * time.Millisecond, 700 * time.Millisecond, 2 * time.Second} {
		wall.Advance(step)
		get(t, x, token, "/2/spaces/by/creator_ids?user_ids=1001")
	}
	st := x.Stats(xapi.EndpointSpacesByCreators)
	// 20:00:00, 20:00:01.2, 20:00:01.9, 20:00:03.9: two in second 1.
	if st.MaxPerSecond != 2 || st.MinGap != 700*time.Millisecond {
		t.Errorf("MaxPerSecond %d, MinGap %v; want 2, 700ms", st.MaxPerSecond, st.MinGap)
	}
}

func TestScripting(t *testing.T) {
	x, _ := start(t)
	x.AddSpace(fakex.Space{ID: "1soon", State: "scheduled", CreatorID: "1001", ScheduledStart: t0.Add(time.Hour)})
	path := "/2/spaces/1soon?space.fields=participant_count,started_at"
	if a := get(t, x, token, path); a.body["data"].(map[string]any)["state"] != "scheduled" {
		t.Fatalf("scheduled: %v", a.body)
	}
	x.GoLive("1soon", t0.Add(time.Hour))
	x.SetParticipants("1soon", 57)
	data := get(t, x, token, path).body["data"].(map[string]any)
	if data["state"] != "live" || data["participant_count"] != 57.0 || data["started_at"] != "2026-12-01T21:00:00.000Z" {
		t.Errorf("live: %v", data)
	}
	x.End("1soon", t0.Add(2*time.Hour))
	if a := get(t, x, token, "/2/spaces/by/creator_ids?user_ids=1001"); len(a.body["data"].([]any)) != 1 {
		t.Errorf("by creator after the end: %v, want only 1live", a.body)
	}
	x.Forget("1soon")
	if a := get(t, x, token, path); a.body["errors"] == nil {
		t.Errorf("forgotten Space still returned: %v", a.body)
	}
}

func TestFailuresAndOutage(t *testing.T) {
	x, _ := start(t)
	x.Fail(xapi.EndpointSpace, 503, 1)
	if a := get(t, x, token, "/2/spaces/1live"); a.status != 503 {
		t.Errorf("injected failure: %d", a.status)
	}
	if a := get(t, x, token, "/2/spaces/1live"); a.status != 200 {
		t.Errorf("after the one failure: %d", a.status)
	}
	x.SetDown(true)
	if _, err := http.Get(x.URL + "/2/spaces/1live"); err == nil {
		t.Error("X down: the request got an answer")
	}
	x.Recover()
	if a := get(t, x, token, "/2/spaces/1live"); a.status != 200 {
		t.Errorf("after Recover: %d", a.status)
	}
}

func TestReadWorld(t *testing.T) {
	good := `{"users":[{"id":"1001","username":"alice_x"}],
	  "spaces":[{"id":"1live","state":"live","creator_id":"1001","started_at":"2026-12-01T20:02:00-06:00"}]}`
	if _, err := fakex.ReadWorld(strings.NewReader(good)); err != nil {
		t.Errorf("good world: %v", err)
	}
	tests := []struct{ name, world, want string }{
		{"unknown field", `{"users":[],"spaces":[],"extra":1}`, "unknown field"},
		{"bad user id", `{"users":[{"id":"abc","username":"a"}]}`, "id must be 1-19 digits"},
		{"duplicate username", `{"users":[{"id":"1","username":"a"},{"id":"2","username":"A"}]}`, "twice"},
		{"unknown creator", `{"users":[],"spaces":[{"id":"1a","state":"live","creator_id":"9"}]}`, "not one of the users"},
		{"bad state", `{"users":[{"id":"1","username":"a"}],"spaces":[{"id":"1a","state":"paused","creator_id":"1"}]}`, "state must be"},
		{"scheduled without start", `{"users":[{"id":"1","username":"a"}],"spaces":[{"id":"1a","state":"scheduled","creator_id":"1"}]}`, "scheduled_start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fakex.ReadWorld(strings.NewReader(tt.world))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadWorld error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestDrop: a dropped request is counted, as X would have, and gets no
// answer: its connection closes.
func TestDrop(t *testing.T) {
	x, _ := start(t)
	x.Drop(xapi.EndpointSpace, 1)
	req, err := http.NewRequest("GET", x.URL+"/2/spaces/1live", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req) // a fresh connection: never sent twice
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped request was answered %d", resp.StatusCode)
	}
	if st := x.Stats(xapi.EndpointSpace); st.Requests != 1 || st.MaxPerWindow != 1 {
		t.Errorf("Stats = %+v, want the dropped request counted", st)
	}
	if a := get(t, x, token, "/2/spaces/1live"); a.status != 200 || a.header.Get("x-rate-limit-remaining") != "1" {
		t.Errorf("the next request: %d, %v; want 200 with 1 of 3 left", a.status, a.header)
	}
}
