// Package xsource is X for bot: bot.XSource on the X API v2 client
// (package xapi). It translates X's types and errors into bot's and
// decides nothing: which hosts to poll, and when, is bot's watcher's.
package xsource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"sparkbot/bot"
	"sparkbot/xapi"
)

// client is what the adapter needs of *xapi.Client.
type client interface {
	UserByName(ctx context.Context, username string) (xapi.User, error)
	Space(ctx context.Context, id string) (xapi.Space, error)
	Spaces(ctx context.Context, ids []string) (xapi.SpaceResult, error)
	SpacesByCreators(ctx context.Context, userIDs []string) (xapi.SpaceResult, error)
	Budget(e xapi.Endpoint) xapi.Budget
}

// Source is bot.XSource over an X API client.
type Source struct {
	c    client
	wall xapi.WallClock
	log  *slog.Logger
}

var _ bot.XSource = (*Source)(nil)

// New returns a Source reading X through c, whose rate limits run on wall
// (the client's own wall clock). logger gets a line for each answer that
// is not X's data (default: discard).
func New(c *xapi.Client, wall xapi.WallClock, logger *slog.Logger) *Source {
	if wall == nil {
		wall = xapi.SystemWall{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Source{c: c, wall: wall, log: logger}
}

// UserByName resolves a handle to its account.
func (s *Source) UserByName(ctx context.Context, handle string) (bot.XUser, error) {
	u, err := s.c.UserByName(ctx, handle)
	if err != nil {
		return bot.XUser{}, s.fail(err)
	}
	return bot.XUser{ID: u.ID, Username: u.Username, Followers: u.Followers}, nil
}

// Space looks up one Space.
func (s *Source) Space(ctx context.Context, id string) (bot.XSpace, error) {
	sp, err := s.c.Space(ctx, id)
	if err != nil {
		return bot.XSpace{}, s.fail(err)
	}
	return toSpace(sp), nil
}

// Spaces looks up to 100 Spaces by id.
func (s *Source) Spaces(ctx context.Context, ids []string) (bot.XSpaces, error) {
	r, err := s.c.Spaces(ctx, ids)
	if err != nil {
		return bot.XSpaces{}, s.fail(err)
	}
	return toSpaces(r), nil
}

// SpacesByCreators returns the live and scheduled Spaces of up to 100 accounts.
func (s *Source) SpacesByCreators(ctx context.Context, xids []string) (bot.XSpaces, error) {
	r, err := s.c.SpacesByCreators(ctx, xids)
	if err != nil {
		return bot.XSpaces{}, s.fail(err)
	}
	return toSpaces(r), nil
}

// CreatorBudget is what the client knows of by/creator_ids' window.
func (s *Source) CreatorBudget() bot.XBudget {
	b := s.c.Budget(xapi.EndpointSpacesByCreators)
	return bot.XBudget{Limit: b.Limit, Remaining: b.Remaining, Reset: b.Reset, Now: s.wall.Now()}
}

// fail turns an xapi error into bot's: not found is bot.ErrXNotFound; the
// rest stay errors worth retrying, and a refused token is logged loudly,
// since nothing works until an operator fixes it.
func (s *Source) fail(err error) error {
	switch {
	case errors.Is(err, xapi.ErrNotFound):
		return fmt.Errorf("%w: %w", bot.ErrXNotFound, err)
	case errors.Is(err, xapi.ErrUnauthorized):
		s.log.Error("X refused the bearer token: check SPARKBOT_X_BEARER_TOKEN", "err", err)
	}
	return err
}

func toSpaces(r xapi.SpaceResult) bot.XSpaces {
	out := bot.XSpaces{NotFound: r.NotFound}
	if len(r.Spaces) > 0 {
		out.Spaces = make([]bot.XSpace, len(r.Spaces))
		for i, sp := range r.Spaces {
			out.Spaces[i] = toSpace(sp)
		}
	}
	return out
}

// toSpace keeps the fields sparkbot uses; speakers, ticketing and the
// creator's username stay behind.
func toSpace(sp xapi.Space) bot.XSpace {
	return bot.XSpace{
		ID: sp.ID, State: bot.XState(sp.State), Title: sp.Title, CreatorID: sp.CreatorID, HostIDs: sp.HostIDs,
		StartedAt: sp.StartedAt, EndedAt: sp.EndedAt, ScheduledStart: sp.ScheduledStart, Participants: sp.ParticipantCount,
	}
}
