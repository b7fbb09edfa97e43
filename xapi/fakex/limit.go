package fakex

import "time"

// Stats is what the fake counted for one endpoint. Everything but Requests
// counts only requests with the right token: those X counts against the
// app's limit.
type Stats struct {
	// Requests is every request to the endpoint, whatever the answer.
	Requests int
	// Windows is how many requests came in each rate window, oldest first.
	// A window opens at the first request after the last one closed and
	// lasts Config.Window, as X's do.
	Windows []int
	// MaxPerWindow is the largest of Windows: above the limit means the
	// client sent requests X answered 429.
	MaxPerWindow int
	// MaxPerSecond is the most requests that arrived in one wall-clock
	// second (of the Clock).
	MaxPerSecond int
	// MinGap is the shortest time between the arrivals of two consecutive
	// requests (0 with fewer than two).
	MinGap time.Duration
	// Limited is how many were answered 429.
	Limited int
}

// limiter is one endpoint's rate window and counters. The Server's mutex
// guards it.
type limiter struct {
	limit     int
	windowEnd time.Time // zero until the first request
	used      int
	windows   []int
	requests  int
	limited   int

	second       int64 // the wall-clock second of the last request
	inSecond     int
	maxPerSecond int
	last         time.Time
	minGap       time.Duration
	gaps         int
}

// open starts a new window at now if the current one has ended.
func (l *limiter) open(now time.Time, window time.Duration) {
	if !l.windowEnd.IsZero() && now.Before(l.windowEnd) {
		return
	}
	// X's reset is whole Unix seconds; round up so the header is exact.
	end := now.Add(window)
	if t := end.Truncate(time.Second); t.Before(end) {
		end = t.Add(time.Second)
	}
	l.windowEnd, l.used = end, 0
	l.windows = append(l.windows, 0)
}

// admit counts a request at now and says what remains, when the window
// resets and whether the request is within the limit.
func (l *limiter) admit(now time.Time, window time.Duration) (int, time.Time, bool) {
	l.open(now, window)
	l.used++
	l.windows[len(l.windows)-1]++
	l.pace(now)
	if l.used > l.limit {
		l.limited++
		return 0, l.windowEnd, false
	}
	return l.limit - l.used, l.windowEnd, true
}

// pace keeps the per-second count and the shortest gap.
func (l *limiter) pace(now time.Time) {
	if sec := now.Unix(); sec == l.second && l.inSecond > 0 {
		l.inSecond++
	} else {
		l.second, l.inSecond = sec, 1
	}
	l.maxPerSecond = max(l.maxPerSecond, l.inSecond)
	if !l.last.IsZero() {
		if gap := now.Sub(l.last); l.gaps == 0 || gap < l.minGap {
			l.minGap = gap
		}
		l.gaps++
	}
	l.last = now
}

func (l *limiter) setRemaining(now time.Time, window time.Duration, n int) {
	l.open(now, window)
	l.used = max(l.limit-n, 0)
}

func (l *limiter) stats() Stats {
	st := Stats{
		Requests:     l.requests,
		Windows:      append([]int(nil), l.windows...),
		MaxPerSecond: l.maxPerSecond,
		MinGap:       l.minGap,
		Limited:      l.limited,
	}
	for _, n := range l.windows {
		st.MaxPerWindow = max(st.MaxPerWindow, n)
	}
	return st
}
