package xapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sparkbot/xapi"
)

func TestUserByName(t *testing.T) {
	h := newHarness(t)
	wantAlice := xapi.User{ID: "1001", Username: "alice_x", Name: "Alice", Followers: 12000}
	tests := []struct {
		name     string
		username string
		want     xapi.User
		wantErr  error
	}{
		{name: "plain", username: "alice_x", want: wantAlice},
		{name: "with @", username: "@alice_x", want: wantAlice},
		{name: "other case: X's spelling comes back", username: "ALICE_X", want: wantAlice},
		{name: "unknown", username: "nobody_here", wantErr: xapi.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.c.UserByName(context.Background(), tt.username)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("UserByName(%q) error = %v, want %v", tt.username, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("UserByName(%q) = %+v, want %+v", tt.username, got, tt.want)
			}
		})
	}
	if got := h.x.LastQuery(xapi.EndpointUserByName).Get("user.fields"); got != "public_metrics" {
		t.Errorf("user.fields = %q, want public_metrics", got)
	}
}

func TestUserByNameRefusesBadNames(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{"", "@", "alice-x", "a_very_long_username", "alice/../x", "@@alice"} {
		if _, err := h.c.UserByName(context.Background(), name); err == nil || !strings.Contains(err.Error(), "not an X username") {
			t.Errorf("UserByName(%q) error = %v, want one saying it is not an X username", name, err)
		}
	}
	if n := h.x.Stats(xapi.EndpointUserByName).Requests; n != 0 {
		t.Errorf("%d requests sent for bad names, want 0", n)
	}
}
