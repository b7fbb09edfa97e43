package xapi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBound(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"Night owls", 100, "Night owls"},
		{"Night owls", 5, "Night"},
		{"café", 4, "caf"}, // é is two bytes: never cut in half
		{"a\xffb", 10, "a\uFFFDb"},
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := bound(tt.in, tt.n); got != tt.want {
			t.Errorf("bound(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestDecodeKeepsOnlyWhatIsSane(t *testing.T) {
	body := `{"data":[
		{"id":"1good","state":"live","title":"` + strings.Repeat("ü", 300) + `","participant_count":-5,
		 "creator_id":"12","host_ids":["12","not-a-number","13"]},
		{"id":"../../etc","state":"live"},
		{"id":"1ok","state":"canceled","creator_id":"x"}],
		"errors":[{"resource_id":"1gone","type":"https://api.x.com/2/problems/resource-not-found","title":"Not Found Error"},
		          {"value":"1old","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"},
		          {"resource_id":"1tick","resource_type":"space","title":"Forbidden","detail":"ticketed"}]}`
	c := &Client{}
	r, err := c.decodeSpaceList([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Spaces) != 2 {
		t.Fatalf("kept %d Spaces, want 2 (the one with a bad id dropped): %+v", len(r.Spaces), r.Spaces)
	}
	good := r.Spaces[0]
	if len(good.Title) > maxTitle || !utf8.ValidString(good.Title) || good.ParticipantCount != 0 {
		t.Errorf("title %d bytes, participants %d: want bounded and not negative", len(good.Title), good.ParticipantCount)
	}
	if got := strings.Join(good.HostIDs, ","); got != "12,13" {
		t.Errorf("HostIDs = %s, want 12,13", got)
	}
	if other := r.Spaces[1]; other.State != "canceled" || other.CreatorID != "" {
		t.Errorf("second Space = %+v: want its state kept and its bad creator id dropped", other)
	}
	if got := strings.Join(r.NotFound, ","); got != "1gone,1old" {
		t.Errorf("NotFound = %s, want 1gone,1old", got)
	}
	if len(r.Problems) != 1 || r.Problems[0].ResourceID != "1tick" || r.Problems[0].Title != "Forbidden" {
		t.Errorf("Problems = %+v, want the ticketed one", r.Problems)
	}
}

// FuzzDecodeSpaceList: whatever X (or something pretending to be X) sends,
// decoding does not panic and keeps only bounded, well-formed values.
func FuzzDecodeSpaceList(f *testing.F) {
	f.Add(string(creatorsAnswer(2)))
	f.Add(`{"data":[{"id":"1a","state":"live","host_ids":["1"]}],"errors":[{"value":"1b","title":"Not Found Error"}]}`)
	f.Add(`{"data":null,"includes":{"users":[{"id":"1","username":"a"}]}}`)
	c := &Client{}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := c.decodeSpaceList([]byte(body))
		if err != nil {
			return
		}
		for _, s := range r.Spaces {
			if !validSpaceID(s.ID) || len(s.Title) > maxTitle || !utf8.ValidString(s.Title) ||
				len(s.HostIDs) > maxIDList || len(s.SpeakerIDs) > maxIDList || s.ParticipantCount < 0 ||
				(s.CreatorID != "" && !validUserID(s.CreatorID)) || (s.CreatorUsername != "" && !validUsername(s.CreatorUsername)) {
				t.Fatalf("kept an unchecked Space: %+v", s)
			}
		}
		for _, id := range r.NotFound {
			if len(id) > 40 || !utf8.ValidString(id) {
				t.Fatalf("kept an unbounded id: %q", id)
			}
		}
	})
}
