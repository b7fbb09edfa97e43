package console

import (
	"strings"
	"sync"

	"sparkbot/bot"
)

// maxKept bounds the buttons the console keeps per user for :click; the
// oldest go first.
const maxKept = 50

// button is a button of a DM the console printed, with the number that
// :click takes.
type button struct {
	n    int
	btn  bot.Button
	from string // the first line of its DM, for :buttons
}

// buttons numbers the buttons of every DM per user, 1, 2, 3… in the order
// they were printed, so :click N reaches a button of an earlier DM too.
type buttons struct {
	mu     sync.Mutex
	byUser map[string][]button
	next   map[string]int // the number the user's next button gets
	latest map[string]int // the number of the first button of their latest DM with buttons
}

func newButtons() *buttons {
	return &buttons{byUser: map[string][]button{}, next: map[string]int{}, latest: map[string]int{}}
}

// add numbers a DM's buttons and returns their numbers.
func (k *buttons) add(user string, bs []bot.Button, from string) []int {
	if len(bs) == 0 {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	nums := make([]int, len(bs))
	kept := k.byUser[user]
	for i, b := range bs {
		k.next[user]++
		nums[i] = k.next[user]
		kept = append(kept, button{n: nums[i], btn: b, from: from})
	}
	if len(kept) > maxKept {
		kept = append([]button(nil), kept[len(kept)-maxKept:]...)
	}
	k.byUser[user] = kept
	k.latest[user] = nums[0]
	return nums
}

// find returns the user's button numbered n; n 0 means the first button of
// their latest DM with buttons.
func (k *buttons) find(user string, n int) (button, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if n == 0 {
		n = k.latest[user]
	}
	for _, b := range k.byUser[user] {
		if b.n == n {
			return b, true
		}
	}
	return button{}, false
}

// list returns the buttons the user can click, oldest first.
func (k *buttons) list(user string) []button {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]button(nil), k.byUser[user]...)
}

// firstLine is a message's first line as the console prints it, for
// telling DMs apart in :buttons.
func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return line
}
