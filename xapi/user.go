package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// User is an X account.
type User struct {
	ID       string
	Username string // without the @
	Name     string // display name, untrusted text
	// Followers is public_metrics.followers_count.
	Followers int
}

// UserByName resolves a username, with or without its @, to the account
// (GET /2/users/by/username/:username, asking for public_metrics). A
// username X cannot find is ErrNotFound.
func (c *Client) UserByName(ctx context.Context, username string) (User, error) {
	name := strings.TrimPrefix(username, "@")
	if !validUsername(name) {
		return User{}, fmt.Errorf("xapi: %q is not an X username (1-15 letters, digits or _)", bound(username, 40))
	}
	q := url.Values{"user.fields": {"public_metrics"}}
	body, err := c.get(ctx, EndpointUserByName, "/2/users/by/username/"+name, q)
	if err != nil {
		return User{}, err
	}
	var b userBody
	if err := json.Unmarshal(body, &b); err != nil {
		return User{}, c.malformed(EndpointUserByName, err)
	}
	if b.Data == nil {
		return User{}, c.onlyErrors(EndpointUserByName, b.Errors)
	}
	w := *b.Data
	if !validUserID(w.ID) || !strings.EqualFold(w.Username, name) {
		return User{}, c.malformed(EndpointUserByName, errors.New("the user in the answer is not the one asked for"))
	}
	u := User{ID: w.ID, Username: w.Username, Name: bound(w.Name, maxName)}
	if w.PublicMetrics != nil {
		u.Followers = min(max(w.PublicMetrics.FollowersCount, 0), maxCount)
	}
	return u, nil
}
