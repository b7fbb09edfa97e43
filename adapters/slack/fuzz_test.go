package slack

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

var crowd = regexp.MustCompile(`(?i)@(here|channel|everyone)`)

// Whatever a user types, its rendering holds no Slack markup and no
// crowd mention.
func FuzzUserTextNeverPings(f *testing.F) {
	for _, s := range []string{"<!channel>", "@here", "&lt;!here&gt;", "<@U123|bob>", "<!subteam^S1|@team>", "@EVERYONE!", "a & b"} {
		f.Add(s)
	}
	r := renderer{now: time.Unix(0, 0), name: func(id string) string { return id }}
	f.Fuzz(func(t *testing.T, s string) {
		for _, text := range []string{s, plain(s)} {
			got := r.span(bot.UserText(text))
			if strings.ContainsAny(got, "<>") || crowd.MatchString(got) {
				t.Errorf("%q renders as %q", text, got)
			}
		}
	})
}
