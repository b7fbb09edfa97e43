package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// outcome is what became of one request.
type outcome struct {
	latency  time.Duration // from when it was due to be sent until its answer was read
	err      string        // why it failed; empty when it worked
	deferred bool          // acknowledged without the reply, which came later or never
}

// summary is one phase's figures.
type summary struct {
	name             string
	floor            bool
	sent             int
	span             time.Duration // from the first send until the last answer
	failed, deferred int
	p50, p99, max    time.Duration
	sample           string // the first failure
}

// achieved is how many requests a second were answered as they should be.
func (s summary) achieved() float64 {
	if s.span <= 0 {
		return 0
	}
	return float64(s.sent-s.failed-s.deferred) / s.span.Seconds()
}

// load sends next(0), next(1), … to target open-loop: request i is due at
// i/rate seconds from the start and sent then, however long earlier ones
// take, for d. Each latency counts from when its request was due, so a
// generator that falls behind shows in the figures instead of hiding the
// server's queue.
func load(ctx context.Context, client *http.Client, target string, rate int, d time.Duration, next func(i int) command) summary {
	n := int(float64(rate) * d.Seconds())
	out := make([]outcome, n)
	var wg sync.WaitGroup
	start := time.Now()
	sent := 0
	for ; sent < n && ctx.Err() == nil; sent++ {
		due := start.Add(time.Duration(int64(sent) * int64(time.Second) / int64(rate)))
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		c, i := next(sent), sent
		wg.Go(func() { out[i] = send(client, target, c, due) })
	}
	wg.Wait()
	return summarize(out[:sent], time.Since(start))
}

// send sends c to target and reads the answer.
func send(client *http.Client, target string, c command, due time.Time) outcome {
	req, err := c.request(target, time.Now())
	if err != nil {
		return outcome{err: err.Error()}
	}
	resp, err := client.Do(req)
	if err != nil {
		return outcome{latency: time.Since(due), err: err.Error()}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	o := outcome{latency: time.Since(due)}
	switch {
	case err != nil:
		o.err = "reading the answer: " + err.Error()
	case resp.StatusCode != http.StatusOK:
		o.err = fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, body)
	case len(bytes.TrimSpace(body)) == 0:
		o.deferred = true
	case !bytes.Contains(body, []byte(c.want)):
		o.err = fmt.Sprintf("an answer without %q: %.300s", c.want, body)
	}
	return o
}

// summarize reduces a phase's outcomes to its figures; latencies are of
// every request answered, failed or not.
func summarize(out []outcome, span time.Duration) summary {
	s := summary{sent: len(out), span: span}
	var lat []time.Duration
	for _, o := range out {
		switch {
		case o.err != "":
			s.failed++
			if s.sample == "" {
				s.sample = o.err
			}
		case o.deferred:
			s.deferred++
		}
		if o.latency > 0 {
			lat = append(lat, o.latency)
		}
	}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	at := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	s.p50, s.p99, s.max = at(0.50), at(0.99), lat[len(lat)-1]
	return s
}
