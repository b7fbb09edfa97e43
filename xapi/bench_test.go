package xapi

import (
	"fmt"
	"strings"
	"testing"
)

// creatorsAnswer is a by/creator_ids answer as X sends it for 100 live
// Spaces with every field sparkbot asks for, their creators in includes.
func creatorsAnswer(n int) []byte {
	var data, users []string
	for i := range n {
		creator, cohost := fmt.Sprint(1500000000000000000+i), fmt.Sprint(1600000000000000000+i)
		data = append(data, fmt.Sprintf(`{"id":"1eaKbrPAq%04d","state":"live","title":"Night owls #%d: late talk about everything",`+
			`"creator_id":"%s","host_ids":["%s","%s"],"speaker_ids":["%s"],`+
			`"created_at":"2026-12-01T19:58:11.000Z","started_at":"2026-12-01T20:02:09.000Z",`+
			`"participant_count":%d,"is_ticketed":false}`, i, i, creator, creator, cohost, cohost, 100+i))
		users = append(users, fmt.Sprintf(`{"id":"%s","name":"Host %d","username":"host_%d"}`, creator, i, i))
	}
	return []byte(`{"data":[` + strings.Join(data, ",") + `],"includes":{"users":[` + strings.Join(users, ",") +
		`]},"meta":{"result_count":` + fmt.Sprint(n) + `}}`)
}

func TestCreatorsAnswerDecodes(t *testing.T) {
	c := &Client{}
	r, err := c.decodeSpaceList(creatorsAnswer(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Spaces) != 100 {
		t.Fatalf("decoded %d Spaces, want 100", len(r.Spaces))
	}
	s := r.Spaces[7]
	if s.CreatorUsername != "host_7" || s.ParticipantCount != 107 || len(s.HostIDs) != 2 || s.StartedAt.IsZero() {
		t.Errorf("Space 7 = %+v", s)
	}
}

// BenchmarkDecodeSpacesByCreators decodes a full by/creator_ids answer
// (100 live Spaces): the per-request cost of the watcher beyond the wire.
func BenchmarkDecodeSpacesByCreators(b *testing.B) {
	body := creatorsAnswer(100)
	c := &Client{}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.decodeSpaceList(body); err != nil {
			b.Fatal(err)
		}
	}
}
