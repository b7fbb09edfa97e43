package bot

import (
	"context"
	"errors"
	"time"
)

// X data is kept to the minimum: the fields of SeenSpace and XLink, only
// for linked hosts, and only until a cohort has been over for its
// retention (/cohort settings xretention:, default 90 days). Then the
// daily planning (scheduler.PlanAll), whether X is connected or not,
// deletes the cohort's seen Spaces, the X follower counts of its
// applications, and the links of its hosts who are in no later cohort.
// Logs stay: they are the program's record of what counted (their
// provenance still says "verified by X").

// DefaultXRetentionDays is how long after a cohort ends its X data is kept.
const DefaultXRetentionDays = 90

// XRetention is how long after the cohort ends its X data is kept.
func (c Cohort) XRetention() time.Duration {
	days := c.XRetentionDays
	if days <= 0 {
		days = DefaultXRetentionDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// xExpired reports whether c's X data is past its retention at now.
func (c Cohort) xExpired(now time.Time) bool { return !now.Before(c.EndsAt().Add(c.XRetention())) }

// PurgeXData deletes the X data of every cohort past its retention at now.
func PurgeXData(ctx context.Context, st Store, now time.Time) error {
	wss, err := st.Workspaces(ctx)
	if err != nil {
		return err
	}
	for _, ws := range wss {
		if err := purgeWorkspace(ctx, st, ws, now); err != nil {
			return err
		}
	}
	return nil
}

func purgeWorkspace(ctx context.Context, st Store, ws WorkspaceRef, now time.Time) error {
	cohorts, err := st.Cohorts(ctx, ws)
	if err != nil {
		return err
	}
	expired := map[int]bool{}
	for _, co := range cohorts {
		if !co.xExpired(now) {
			continue
		}
		expired[co.ID] = true
		if _, err := st.DeleteSeenSpaces(ctx, ws, co.ID); err != nil {
			return err
		}
	}
	if len(expired) == 0 {
		return nil
	}
	if err := purgeApplications(ctx, st, ws, expired); err != nil {
		return err
	}
	return purgeLinks(ctx, st, ws, cohorts, expired)
}

// purgeApplications forgets the X follower counts of expired cohorts' applications.
func purgeApplications(ctx context.Context, st Store, ws WorkspaceRef, expired map[int]bool) error {
	apps, err := st.Applications(ctx, ws)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if expired[a.Cohort] && !a.XChecked.IsZero() {
			a.XFollows, a.XChecked = 0, time.Time{}
			if err := st.PutApplication(ctx, ws, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// purgeLinks forgets the links of hosts who belong to no cohort whose X
// data is still kept.
func purgeLinks(ctx context.Context, st Store, ws WorkspaceRef, cohorts []Cohort, expired map[int]bool) error {
	links, err := st.XLinks(ctx, ws)
	if err != nil {
		return err
	}
	for _, l := range links {
		h, err := st.Host(ctx, ws, l.UserID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		kept := false
		for _, co := range cohorts {
			if !expired[co.ID] && h.WasMember(co) {
				kept = true
			}
		}
		if !kept {
			if err := st.DeleteXLink(ctx, ws, l.UserID); err != nil {
				return err
			}
		}
	}
	return nil
}
