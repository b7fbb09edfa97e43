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
// name and zone from their profile, and whether they are staff.
func (a *Adapter) request(ctx context.Context, teamID, userID, userName, channelID string) bot.Request {
	u, err := a.users.get(ctx, userID)
	if err != nil {
		a.log.Warn("users.info failed; treating the user as a host with no profile zone",
			"user", userID, "err", err)
	}
	if u.Name == "" {
		u.Name = userName
	}
	return bot.Request{
		Workspace: workspace(teamID),
		UserID:    userID,
		UserName:  u.Name,
		UserZone:  u.Zone,
		Staff:     a.staff[userID] || u.Admin,
		Channel:   channelID,
	}
}
