package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ReviewDecision is what staff (or X, for a flag) decided about a log.
type ReviewDecision string

const (
	// ReviewApproved: staff took an unverified log as it is; it leaves the
	// review list and keeps counting.
	ReviewApproved ReviewDecision = "approved"
	// ReviewRejected: staff rejected the log; it was removed, stops
	// counting and cannot be logged again. Review.Log keeps what it was.
	ReviewRejected ReviewDecision = "rejected"
	// ReviewFlagged: X said another account hosted a Space logged while X
	// could not be asked; it stays unverified for staff to decide.
	ReviewFlagged ReviewDecision = "flagged"
)

// Review is the decision on one logged Space.
type Review struct {
	SpaceID  string
	UserID   string // whose log it was
	Decision ReviewDecision
	Reason   string // untrusted text (staff's, for a rejection)
	By       string // staff user id; empty for a flag
	At       time.Time
	// Log is the rejected log, kept for the record.
	Log SpaceLog
}

// ReviewStore keeps review decisions, one per Space id.
type ReviewStore interface {
	Review(ctx context.Context, ws WorkspaceRef, spaceID string) (Review, error) // ErrNotFound
	PutReview(ctx context.Context, ws WorkspaceRef, rv Review) error
	// ReviewsOf returns the reviews of those of spaceIDs that have one.
	ReviewsOf(ctx context.Context, ws WorkspaceRef, spaceIDs []string) ([]Review, error)
}

// /cohort review lists a week's logs X did not verify, each with an
// approve button; /cohort review reject space:<id> reason:"…" rejects one:
// the log is removed, it stops counting, the host gets a DM with the
// reason, and the Space cannot be logged again (by hand or by X).

// ActionApproveLog is the action id of a review's approve button.
const ActionApproveLog = "review-approve"

// maxReviewButtons is how many approve buttons a review shows (the
// platforms take 25 a message).
const maxReviewButtons = 25

func (r *Router) cohortReview(ctx context.Context, c *Call) (Response, error) {
	co, err := r.cohort(ctx, c.Workspace)
	if err != nil {
		return Response{}, err
	}
	if optionValue[string](c, "action") == "reject" {
		return r.rejectLog(ctx, c, co)
	}
	if c.Has("space") || c.Has("reason") {
		return Response{}, Invalidf(`space: and reason: go with reject: /cohort review reject space:<id> reason:"…"`)
	}
	week := co.clampWeek(co.WeekOf(r.clock.Now()))
	if c.Has("week") {
		if week, err = co.weekOfDate("week", optionValue[Date](c, "week")); err != nil {
			return Response{}, err
		}
	}
	pending, flags, err := r.toReview(ctx, c.Workspace, week)
	if err != nil {
		return Response{}, err
	}
	return reviewList(co, week, pending, flags), nil
}

// toReview is week's logs X did not verify and staff have not approved,
// by start, and the flags X raised on them.
func (r *Router) toReview(ctx context.Context, ws WorkspaceRef, week Week) ([]SpaceLog, map[string]Review, error) {
	logs, err := r.store.Logs(ctx, ws, week.Start, week.End)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, l := range logs {
		ids = append(ids, l.SpaceID)
	}
	reviews, err := r.store.ReviewsOf(ctx, ws, ids)
	if err != nil {
		return nil, nil, err
	}
	decided := map[string]Review{}
	for _, rv := range reviews {
		decided[rv.SpaceID] = rv
	}
	var out []SpaceLog
	flags := map[string]Review{}
	for _, l := range logs {
		rv, ok := decided[l.SpaceID]
		if l.Provenance.Verified() || ok && rv.Decision == ReviewApproved {
			continue
		}
		if ok && rv.Decision == ReviewFlagged {
			flags[l.SpaceID] = rv
		}
		out = append(out, l)
	}
	return out, flags, nil
}

func reviewList(co Cohort, week Week, logs []SpaceLog, flags map[string]Review) Response {
	resp := Response{Ephemeral: true}
	resp.Section("Logs to review — " + co.Name + ", " + co.weekName(week))
	loc := co.Location()
	for i, l := range logs {
		resp.Add(append(Linef("%d. %s: %s%s, %s", i+1, UserRef(l.UserID), displayID(l), titleSuffix(l.Title), At(l.Start, loc, TimeFull)), howKnownForReview(l)...))
		if rv, ok := flags[l.SpaceID]; ok {
			resp.Addf("    ⚠ %s", UserText(rv.Reason))
		}
		if i < maxReviewButtons {
			resp.Buttons = append(resp.Buttons, Button{Label: fmt.Sprintf("Approve %d", i+1), ActionID: ActionApproveLog, Value: l.SpaceID})
		}
	}
	if len(logs) == 0 {
		resp.Addf("Nothing to review: every log of this week is verified by X or approved.")
		return resp
	}
	if len(logs) > maxReviewButtons {
		resp.Note("The first %d have buttons; approve the rest after those, or review a log with /cohort review reject.", maxReviewButtons)
	}
	resp.Note(`Approve a log with its button (it keeps counting and leaves this list), or reject one: /cohort review reject space:<id> reason:"…" (it stops counting, and the host is told why).`)
	return resp
}

// howKnownForReview is howKnown, saying one-click outright: a review
// lists one-click logs by their id.
func howKnownForReview(l SpaceLog) Line {
	if !l.Provenance.HasSpaceID() {
		return Linef(" — %s (id %s)", l.Provenance, l.SpaceID)
	}
	return howKnown(l)
}

// approveLog runs an approve button: staff take the log as it is.
func (r *Router) approveLog(ctx context.Context, req Request) (Response, error) {
	if !req.Staff {
		return Response{}, Forbiddenf("Only staff review logs.")
	}
	l, err := r.store.Log(ctx, req.Workspace, req.Action.Value)
	if errors.Is(err, ErrNotFound) {
		return Response{}, NotFoundf("That log is gone: it was removed or rejected meanwhile.")
	}
	if err != nil {
		return Response{}, err
	}
	rv := Review{SpaceID: l.SpaceID, UserID: l.UserID, Decision: ReviewApproved, By: req.UserID, At: r.clock.Now()}
	if err := r.store.PutReview(ctx, req.Workspace, rv); err != nil {
		return Response{}, err
	}
	return Reply("Approved %s%s of %s: it counts as logged, and leaves the review list.", displayID(l), titleSuffix(l.Title), UserRef(l.UserID)), nil
}

// rejectLog removes a log for good, with a reason its host is told.
func (r *Router) rejectLog(ctx context.Context, c *Call, co Cohort) (Response, error) {
	if !c.Has("space") || !c.Has("reason") {
		return Response{}, Invalidf(`Say which log and why: /cohort review reject space:<id> reason:"…"`)
	}
	id, err := reviewedID(optionValue[string](c, "space"))
	if err != nil {
		return Response{}, err
	}
	reason := optionValue[string](c, "reason")
	l, err := r.store.Log(ctx, c.Workspace, id)
	if errors.Is(err, ErrNotFound) {
		return Response{}, NotFoundf("Space %s is not logged.", id)
	}
	if err != nil {
		return Response{}, err
	}
	now := r.clock.Now()
	rv := Review{SpaceID: l.SpaceID, UserID: l.UserID, Decision: ReviewRejected, Reason: reason, By: c.UserID, At: now, Log: l}
	if err := r.store.PutReview(ctx, c.Workspace, rv); err != nil {
		return Response{}, err
	}
	if err := r.store.DeleteLog(ctx, c.Workspace, l.SpaceID); err != nil && !errors.Is(err, ErrNotFound) {
		return Response{}, err
	}
	r.planner.LogsChanged(ctx, c.Workspace, l.UserID)
	h, err := r.hostByID(ctx, c.Workspace, l.UserID, "")
	if err != nil {
		return Response{}, err
	}
	msg := RejectedMessage(c.UserID, l, reason, h.Location(co, ""))
	job := Job{Key: fmt.Sprintf("%s/review/%s/%s/%d", c.Workspace.Key(), url.PathEscape(l.UserID), l.SpaceID, now.Unix()), Kind: JobDM,
		Workspace: c.Workspace, Due: now, UserID: l.UserID, Message: &msg}
	if err := queue(ctx, r.store, r.planner, job); err != nil {
		return Response{}, err
	}
	return Reply("Rejected %s%s of %s: it no longer counts, cannot be logged again, and they are told why.",
		displayID(l), titleSuffix(l.Title), UserRef(l.UserID)), nil
}

// RejectedMessage tells a host staff rejected their log, and why.
func RejectedMessage(staffID string, l SpaceLog, reason string, loc *time.Location) Message {
	m := messagef("%s rejected your %s%s, started %s: %s", UserRef(staffID), logNoun(l), titleSuffix(l.Title),
		At(l.Start, loc, TimeFull), UserText("“"+reason+"”"))
	m.Addf("It no longer counts toward your week. If that's wrong, talk to staff.")
	return m
}

// refuseRejected refuses to log again a Space staff rejected.
func (r *Router) refuseRejected(ctx context.Context, ws WorkspaceRef, spaceID string) error {
	rv, err := r.store.Review(ctx, ws, spaceID)
	if errors.Is(err, ErrNotFound) || err == nil && rv.Decision != ReviewRejected {
		return nil
	}
	if err != nil {
		return err
	}
	what := "Space " + spaceID
	if !rv.Log.Provenance.HasSpaceID() && rv.Log.SpaceID != "" {
		what = "the one-click log of that Space"
	}
	return Conflictf("Staff rejected %s (%s), so it cannot be logged again. If that's wrong, talk to staff.", what, rv.Reason)
}

// reviewedID reads the log space: names: a Space link or id, or a
// one-click log's id (unverified-<schedule>-<unix>).
func reviewedID(raw string) (string, error) {
	if id, ok := spaceIDOf(raw); ok {
		return id, nil
	}
	if a, b, ok := strings.Cut(strings.TrimPrefix(raw, "unverified-"), "-"); ok && strings.HasPrefix(raw, "unverified-") && allDigits(a) && allDigits(b) && len(raw) < 64 {
		return raw, nil
	}
	return "", Invalidf("space:%s — give the log's Space link or id, or a one-click log's id as /cohort review shows it", echoInput(raw))
}
