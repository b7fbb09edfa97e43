package bot

import (
	"iter"
	"time"
)

// The membership rules (DESIGN.md, "Membership"): a host belongs to a
// cohort for periods, and a week counts for them only if one period covers
// it whole. Every report, the stipend and the scheduler ask these methods;
// none reads Memberships itself.

// Presence is how much of one week a host was a member of a cohort.
type Presence int

const (
	NoWeek    Presence = iota // not a member at any moment of the week
	PartWeek                  // a member for part of it: joined late into it, or left before it ended
	WholeWeek                 // a member for the whole week: it counts
)

// joinedEarly is how far into a week a host may join and still owe it: a
// host added on the Monday of a Monday week is held to that week.
const joinedEarly = 24 * time.Hour

// Presence is THE rule of which weeks count for h in co: a week counts
// when one membership period began no later than joinedEarly after the
// week started and had not ended before the week did. Joining later, or
// leaving before the week's end, makes it PartWeek, which does not count.
func (h Host) Presence(co Cohort, w Week) Presence {
	p := NoWeek
	for m := range h.periods(co) {
		if !m.overlaps(w.Start, w.End) {
			continue
		}
		if !m.Joined.After(w.Start.Add(joinedEarly)) && (m.Left.IsZero() || !m.Left.Before(w.End)) {
			return WholeWeek
		}
		p = PartWeek
	}
	return p
}

// MemberOf reports whether h is a member of co now: a period of co that
// has not ended. (A cohort's members stay its members after it ends.)
func (h Host) MemberOf(co Cohort) bool {
	_, ok := h.open(co)
	return ok
}

// WasMember reports whether h was ever a member of co.
func (h Host) WasMember(co Cohort) bool {
	_, ok := h.firstJoined(co)
	return ok
}

// MemberAt reports whether h was a member of co at t.
func (h Host) MemberAt(co Cohort, t time.Time) bool {
	for m := range h.periods(co) {
		if !t.Before(m.Joined) && (m.Left.IsZero() || t.Before(m.Left)) {
			return true
		}
	}
	return false
}

// MemberDuring reports whether h was a member of co at any time in [from, to).
func (h Host) MemberDuring(co Cohort, from, to time.Time) bool {
	for m := range h.periods(co) {
		if m.overlaps(from, to) {
			return true
		}
	}
	return false
}

// Joined returns when h's current membership of co began; zero if h is not
// a member now.
func (h Host) Joined(co Cohort) time.Time {
	m, _ := h.open(co)
	return m.Joined
}

// Join starts a membership of co at t, unless h is a member already.
func (h *Host) Join(co Cohort, t time.Time) {
	if h.MemberOf(co) {
		return
	}
	h.Memberships = append(h.Memberships, Membership{Cohort: co.ID, Joined: t})
}

// Leave ends h's current membership of co at t.
func (h *Host) Leave(co Cohort, t time.Time) {
	for i, m := range h.Memberships {
		if m.Cohort == co.ID && m.Left.IsZero() {
			h.Memberships[i].Left = t
		}
	}
}

// firstJoined returns when h first joined co; ok is false if never.
func (h Host) firstJoined(co Cohort) (t time.Time, ok bool) {
	for m := range h.periods(co) {
		if !ok || m.Joined.Before(t) {
			t, ok = m.Joined, true
		}
	}
	return t, ok
}

func (h Host) open(co Cohort) (Membership, bool) {
	for m := range h.periods(co) {
		if m.Left.IsZero() {
			return m, true
		}
	}
	return Membership{}, false
}

// periods yields h's memberships of co, without allocating: reports ask
// for every host and week.
func (h Host) periods(co Cohort) iter.Seq[Membership] {
	return func(yield func(Membership) bool) {
		for _, m := range h.Memberships {
			if m.Cohort == co.ID && !yield(m) {
				return
			}
		}
	}
}

// rejoined reports whether h has more than one membership of co.
func (h Host) rejoined(co Cohort) bool {
	n := 0
	for range h.periods(co) {
		n++
	}
	return n > 1
}

// overlaps reports whether m covers some instant of [from, to).
func (m Membership) overlaps(from, to time.Time) bool {
	return m.Joined.Before(to) && (m.Left.IsZero() || m.Left.After(from))
}
