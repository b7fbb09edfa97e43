package bot_test

import (
	"strings"
	"testing"
)

// TestApplyShowLink: show: takes an http(s) link to a show elsewhere, and
// staff see it with the application.
func TestApplyShowLink(t *testing.T) {
	h := newHarness(t, "2026-11-30T09:00:00-05:00")
	h.must("boss", true, `/cohort create name:"Spark" start:2026-11-30`, "Created")
	for _, bad := range []string{
		"ftp://example.org/show",
		"javascript:alert(1)",
		"podcasts.example.org/show",
		"https://",
		"https://user:pw@example.org/",
		"https://example.org/" + strings.Repeat("a", 300),
	} {
		got := h.do("alice", false, "/spaces apply handle:@alice_x followers:9000 country:US show:"+bad)
		if !strings.Contains(got, "give your show's web address") && !strings.Contains(got, "too long") {
			t.Errorf("show:%s was taken: %q", bad, got)
		}
	}
	h.must("alice", false, "/spaces apply handle:@alice_x followers:9000 country:US show:https://open.example.com/show/abc?si=1", "Application received")
	h.must("bob", false, "/spaces apply handle:@bob_x followers:9000 country:US", "Application received")
	apps := h.must("boss", true, "/cohort applications", "show: https://open.example.com/show/abc?si=1")
	if strings.Count(apps, "show:") != 1 {
		t.Errorf("bob gave no show, yet a show line is listed for him:\n%s", apps)
	}
}
