package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	slackgo "github.com/slack-go/slack"

	"sparkbot/bot"
)

// user is what the adapter needs to know of a Slack user, from users.info.
type user struct {
	Name  string // display name, else real name, else handle
	Zone  string // profile tz, an IANA name
	Admin bool   // workspace admin or owner
}

// Bounds of the adapter's caches: a workspace's active people, with room.
// Past them the least recently used entry goes first.
const (
	maxCachedUsers = 50_000
	// dmTTL is how long a DM channel id is trusted before
	// conversations.open is asked again.
	dmTTL = time.Hour
)

// userCache remembers users.info answers for userTTL, so a busy host costs
// one call every few minutes and profile and admin changes are seen soon
// enough. It holds at most maxCachedUsers (hashicorp's LRU; expiry is by
// the adapter's clock, so tests move it).
type userCache struct {
	api     webAPI
	clock   bot.Clock
	entries *lru.Cache[string, userEntry] // by user id
}

type userEntry struct {
	user    user
	expires time.Time
}

func newUserCache(api webAPI, clock bot.Clock) *userCache {
	entries, _ := lru.New[string, userEntry](maxCachedUsers) // fails only for a size ≤ 0
	return &userCache{api: api, clock: clock, entries: entries}
}

// cached returns the user with id if the cache has a fresh answer, without
// asking Slack.
func (c *userCache) cached(id string) (user, bool) {
	e, ok := c.entries.Get(id)
	if !ok || !c.clock.Now().Before(e.expires) {
		return user{}, false
	}
	return e.user, true
}

// get returns the user with id, from the cache or users.info. When Slack
// cannot answer it returns what it last knew, if anything, and the error.
func (c *userCache) get(ctx context.Context, id string) (user, error) {
	now := c.clock.Now()
	e, ok := c.entries.Get(id)
	if ok && now.Before(e.expires) {
		return e.user, nil
	}
	info, err := c.api.GetUserInfoContext(ctx, id, slackgo.GetUserInfoOptionIncludeLocale(false))
	if err != nil {
		// Names and zones may be stale; a stale admin flag must not grant
		// staff rights, so it is dropped.
		stale := e.user
		stale.Admin = false
		return stale, err
	}
	u := user{Name: displayName(info), Zone: info.TZ, Admin: info.IsAdmin || info.IsOwner || info.IsPrimaryOwner}
	c.entries.Add(id, userEntry{user: u, expires: now.Add(userTTL)})
	return u, nil
}

// dmCache remembers the bot's DM channel with each user for dmTTL, at most
// maxCachedUsers of them.
type dmCache struct {
	clock   bot.Clock
	entries *lru.Cache[string, dmEntry] // by dmKey
}

type dmEntry struct {
	channel string
	expires time.Time
}

func newDMCache(clock bot.Clock) *dmCache {
	entries, _ := lru.New[string, dmEntry](maxCachedUsers)
	return &dmCache{clock: clock, entries: entries}
}

// Load returns the DM channel remembered for key.
func (c *dmCache) Load(key string) (string, bool) {
	e, ok := c.entries.Get(key)
	if !ok || !c.clock.Now().Before(e.expires) {
		return "", false
	}
	return e.channel, true
}

// Store remembers channel for key.
func (c *dmCache) Store(key, channel string) {
	c.entries.Add(key, dmEntry{channel: channel, expires: c.clock.Now().Add(dmTTL)})
}

// Delete forgets key.
func (c *dmCache) Delete(key string) { c.entries.Remove(key) }

func displayName(u *slackgo.User) string {
	for _, n := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return u.ID
}

// groupCache maps user group names and handles to ids, for explicit
// staff pings; it reloads usergroups.list at most every userTTL.
type groupCache struct {
	api   webAPI
	clock bot.Clock

	mu      sync.Mutex
	ids     map[string]string // lower-case handle or name → id
	expires time.Time
}

// id returns the id of the user group called name ("design", "@design" or
// its full name), or "" when there is none.
func (c *groupCache) id(ctx context.Context, name string) (string, error) {
	key := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "@"))
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil || !now.Before(c.expires) {
		groups, err := c.api.GetUserGroupsContext(ctx)
		if err != nil {
			return "", err
		}
		c.ids = make(map[string]string, 2*len(groups))
		for _, g := range groups {
			c.ids[strings.ToLower(g.Name)] = g.ID
			c.ids[strings.ToLower(g.Handle)] = g.ID
		}
		c.expires = now.Add(userTTL)
	}
	return c.ids[key], nil
}

// request starts a bot.Request for a user acting in a workspace: their
// name and zone from their profile, and whether they are staff. Slack's
// payload carries none of these, so unless the cache has them the request
// gets a Profile that asks users.info only if the router needs it
// (bot.Request.Profile): the commands hosts run most rarely do, and a
// burst of them then costs no users.info round trip before the answer,
// nor a share of its rate limit.
func (a *Adapter) request(teamID, userID, userName, channelID string) bot.Request {
	req := bot.Request{
		Workspace: workspace(teamID),
		UserID:    userID,
		Staff:     a.staff[userID],
		Channel:   channelID,
	}
	if u, ok := a.users.cached(userID); ok {
		req.UserName, req.UserZone, req.Staff = nameOr(u.Name, userName), u.Zone, req.Staff || u.Admin
		return req
	}
	req.Profile = func(ctx context.Context) bot.Profile {
		u, err := a.users.get(ctx, userID)
		if err != nil {
			a.log.Warn("users.info failed; treating the user as a host with no profile zone",
				"user", userID, "err", err)
		}
		return bot.Profile{Name: nameOr(u.Name, userName), Zone: u.Zone, Staff: u.Admin}
	}
	return req
}

// nameOr is name, or the payload's user_name when the profile had none.
func nameOr(name, userName string) string {
	if name == "" {
		return userName
	}
	return name
}
