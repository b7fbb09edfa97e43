package bot

// Provenance says how a log is known: the program's four words for it,
// strongest last. Every stored log has one; the zero value is only ever a
// log built in memory without one.
//
// The numbers are stored (storage/bolt keeps them as they are): add new
// values at the end, never renumber.
type Provenance uint8

const (
	// OneClick is the "I hosted it" button of a scheduled Space: the
	// host's word for that slot, with a synthetic Space id (unverifiedID).
	OneClick Provenance = 1
	// LinkNotVerified is a Space link or id the host gave, not checked.
	LinkNotVerified Provenance = 2
	// StaffLogged is a log staff made for the host (SpaceLog.LoggedBy).
	StaffLogged Provenance = 3
	// VerifiedByX is a Space X confirmed, with its host (issue 9).
	VerifiedByX Provenance = 4
)

var provenanceWords = [...]string{
	0: "unknown", OneClick: "one-click", LinkNotVerified: "link, not verified",
	StaffLogged: "logged by staff", VerifiedByX: "verified by X",
}

// String is the provenance in the words hosts and staff read.
func (p Provenance) String() string {
	if int(p) >= len(provenanceWords) {
		return provenanceWords[0]
	}
	return provenanceWords[p]
}

// Verified reports whether X itself confirmed the Space.
func (p Provenance) Verified() bool { return p == VerifiedByX }

// HasSpaceID reports whether the log names a real X Space: every log but
// a one-click one, whose id is synthetic.
func (p Provenance) HasSpaceID() bool { return p != OneClick }

// Upgrades reports whether a new log of provenance p may replace an
// overlapping log of provenance old as the same Space, instead of being
// refused by the overlap rule: a Space X verified replaces any log it
// overlaps that X did not verify. (A link replacing the one-click log of
// the same scheduled slot is the other upgrade; see Router.attach.)
func (p Provenance) Upgrades(old Provenance) bool {
	return p == VerifiedByX && old != VerifiedByX
}
