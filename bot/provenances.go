package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// How reports show provenance (provenance.go): every log says how it is
// known, and a week or a month says how many of its logs are known which
// way, strongest first.

// provenanceOrder is the order reports count provenances in.
var provenanceOrder = []Provenance{VerifiedByX, StaffLogged, LinkNotVerified, OneClick}

// howKnown is the end of a log's line: " — verified by X, 143 listeners at
// peak", " — logged by staff (@boss)", " — link, not verified". A
// one-click log says so at its start already (displayID).
func howKnown(l SpaceLog) Line {
	switch p := l.Provenance; {
	case p == VerifiedByX:
		return Linef(" — %s, %s at peak", p, countOf(l.Listeners, "listener"))
	case p == StaffLogged && l.LoggedBy != "":
		return Linef(" — %s (%s)", p, UserRef(l.LoggedBy))
	case p.HasSpaceID():
		return Linef(" — %s", p)
	}
	return nil
}

// ProvenanceCounts counts logs by provenance in words, strongest first:
// "2 verified by X; 1 link, not verified". Empty for no logs.
func ProvenanceCounts(logs []SpaceLog) string {
	var n byProvenance
	n.add(logs)
	return n.String()
}

// byProvenance counts logs by provenance: a report of 100,000 hosts
// counts each row's and the whole week's.
type byProvenance [VerifiedByX + 1]int

func (n *byProvenance) add(logs []SpaceLog) {
	for _, l := range logs {
		if int(l.Provenance) < len(n) {
			n[l.Provenance]++
		}
	}
}

// String is ProvenanceCounts's words.
func (n *byProvenance) String() string {
	var parts []string
	for _, p := range provenanceOrder {
		if n[p] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[p], p))
		}
	}
	return strings.Join(parts, "; ")
}

// provenanceNote is ProvenanceCounts in parentheses, or nothing. A report
// writes one for each of 100,000 rows, and the rows of a week have a few
// dozen distinct counts between them: the words of each are kept.
func provenanceNote(logs []SpaceLog) string {
	var n byProvenance
	n.add(logs)
	if note, ok := provenanceNotes.Load(n); ok {
		return note.(string)
	}
	note := ""
	if s := n.String(); s != "" {
		note = " (" + s + ")"
	}
	if provenanceNoted.Load() < maxProvenanceNotes {
		if _, loaded := provenanceNotes.LoadOrStore(n, note); !loaded {
			provenanceNoted.Add(1)
		}
	}
	return note
}

var (
	provenanceNotes sync.Map // byProvenance → its note
	provenanceNoted atomic.Int32
)

const maxProvenanceNotes = 4096

// upcomingNote marks an upcoming Space the host scheduled on X.
func upcomingNote(o Occurrence) Line {
	if o.SpaceID == "" {
		return nil
	}
	return Line{Text(" — scheduled on X")}
}

// addWeekLogs adds, under a week of /spaces history, each of its logs and
// how it is known, and the Spaces the host co-hosted that week, which
// count for their creators.
func (r *Router) addWeekLogs(ctx context.Context, ws WorkspaceRef, co Cohort, h Host, w HostWeek, m *Message) error {
	loc := h.Location(co, "")
	for _, l := range w.Logs {
		m.Add(append(Linef("    ✓ %s%s, %s", displayID(l), titleSuffix(l.Title), At(l.Start, loc, TimeFull)), howKnown(l)...))
	}
	seen, err := r.store.SeenSpacesOf(ctx, ws, h.UserID, w.Week.Start, w.Week.End)
	if err != nil {
		return err
	}
	for _, sp := range seen {
		if sp.UserID == h.UserID || sp.State != XEnded {
			continue
		}
		line := Linef("    ↔ co-hosted %s, %s — verified by X; it counts for its creator", spaceName(SpaceLog{SpaceID: sp.ID, Title: sp.Title}), At(sp.StartedAt, loc, TimeFull))
		m.Add(append(line, creatorNote(sp)...))
	}
	return nil
}

// creatorNote names a co-hosted Space's creator when they are a host here.
func creatorNote(sp SeenSpace) Line {
	if sp.UserID == "" {
		return nil
	}
	return Linef(", %s", UserRef(sp.UserID))
}

// ProvenanceTally counts logs by provenance: the stipend CSV's columns.
type ProvenanceTally struct {
	VerifiedByX, StaffLogged, LinkNotVerified, OneClick int
}

func (t *ProvenanceTally) add(p Provenance) {
	switch p {
	case VerifiedByX:
		t.VerifiedByX++
	case StaffLogged:
		t.StaffLogged++
	case LinkNotVerified:
		t.LinkNotVerified++
	case OneClick:
		t.OneClick++
	}
}
