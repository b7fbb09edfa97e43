// Package xapi is the X API v2 client sparkbot uses to see hosts' Spaces:
// users by username, Spaces by id, and the live and scheduled Spaces of up
// to 100 creators at once. It is one package for one outside service, on
// net/http, with no domain rule in it.
//
//	c, err := xapi.New(xapi.Config{BearerToken: token}) // BaseURL: a fake or a proxy
//	u, err := c.UserByName(ctx, "alice_x")               // id, followers_count
//	r, err := c.SpacesByCreators(ctx, ids)               // live and scheduled only
//	s, err := c.Space(ctx, "1eaKbrPAqbwKX")              // ErrNotFound once X forgets it
//
// Errors are values to switch on: ErrNotFound, ErrUnauthorized,
// ErrUnavailable (X unreachable or a 5xx), *RateLimitError (with the wall
// time of the reset) and *APIError for the rest. Partial errors of a
// several-id lookup are in the result (SpaceResult.NotFound), not an error.
// A call whose context ends first (its deadline, a shutdown) returns an
// error matching ctx.Err(), not ErrUnavailable. The bearer token is in no
// error and no log line.
//
// X's rate limits are X's, on the wall clock (WallClock, never the bot's
// clock, which may be fake): every endpoint has its own window, learnt
// from the x-rate-limit-limit, -remaining and -reset headers; the client
// never sends more than the remaining budget, waits for the reset when it
// is spent (or, if the caller's deadline comes first, returns a
// *RateLimitError at once without sending), backs off on 429 until the
// reset, and sends at most one by/creator_ids request a second. Until it
// has heard X's numbers for a window (at start, after a reset) it sends one
// request at a time. Budget and Budgets report what it knows, for metrics.
//
// Package fakex is a fake X API v2 for tests; cmd/fakex serves it for a
// person trying the console.
package xapi
