package split

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want []string
	}{
		{"", 10, nil},
		{"one two  three", 10, []string{"one ", "two ", " ", "three"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"ééééé x", 2, []string{"éé", "éé", "é ", "x"}},
	} {
		got := Words(tc.in, tc.max)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if strings.Join(got, "") != tc.in {
			t.Errorf("Words(%q, %d) lost text: %q", tc.in, tc.max, got)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		atoms []string
		max   int
		want  []string
	}{
		{nil, 10, []string{""}},
		{[]string{"ab ", "cd ", "ef"}, 10, []string{"ab cd ef"}},
		{[]string{"ab ", "cd ", "ef"}, 6, []string{"ab cd", "ef"}},
		{[]string{"<@1>", ", ", "<@2>", ", ", "<@3>"}, 8, []string{"<@1>,", "<@2>,", "<@3>"}},
		{[]string{"toolongatom", "x"}, 4, []string{"toolongatom", "x"}},
	} {
		got := Wrap(tc.atoms, tc.max)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.atoms, tc.max, got, tc.want)
		}
	}
}

// FuzzWrap: wrapping keeps every non-space character in order and breaks
// only between atoms.
func FuzzWrap(f *testing.F) {
	f.Add("a bb ccc dddd", 3)
	f.Add("<@1>, <@2>, <@3>", 5)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 100 {
			return
		}
		atoms := Words(s, max)
		lines := Wrap(atoms, max)
		strip := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if got := strip(strings.Join(lines, "")); got != strip(s) {
			t.Errorf("Wrap lost text: %q became %q", s, lines)
		}
		for _, l := range lines {
			if Len(l) > max {
				t.Errorf("line %q is over %d", l, max)
			}
		}
	})
}

func TestProgressResumesAFailedDelivery(t *testing.T) {
	clock := bot.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	p := NewProgress(clock)
	var msg bot.Message
	msg.Addf("report")
	key := Key(bot.WorkspaceRef{Platform: bot.Discord, ID: "1"}, "channel:2", msg)
	var sent []int
	failAt := 2
	send := func(i int) error {
		if i == failAt {
			failAt = -1
			return errors.New("down")
		}
		sent = append(sent, i)
		return nil
	}
	if err := p.Send(key, 4, send); err == nil {
		t.Fatal("the first attempt succeeded; want the failure of part 2")
	}
	if err := p.Send(key, 4, send); err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3}; !slices.Equal(sent, want) {
		t.Errorf("sent %v, want %v: each part once", sent, want)
	}
	// Once it succeeded, the same delivery again is a new one.
	sent = nil
	if err := p.Send(key, 4, send); err != nil || len(sent) != 4 {
		t.Errorf("a later delivery sent %v (%v), want all 4", sent, err)
	}
	// What a failed attempt sent is forgotten after progressTTL.
	failAt = 1
	p.Send(key, 4, send)
	clock.Advance(progressTTL)
	sent = nil
	if err := p.Send(key, 4, send); err != nil || len(sent) != 4 {
		t.Errorf("after the memory expired: sent %v (%v), want all 4", sent, err)
	}
	if other := Key(bot.WorkspaceRef{Platform: bot.Discord, ID: "1"}, "channel:3", msg); other == key {
		t.Error("two channels share a key")
	}
}
