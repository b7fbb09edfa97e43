package discord

import (
	"context"
	"net/http"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/bwmarrin/discordgo"

	"sparkbot/adapters/discord/fakediscord"
)

// bucketCount is how many rate-limit buckets discordgo's limiter holds.
func bucketCount(s *discordgo.Session) int {
	return reflect.ValueOf(s.Ratelimiter).Elem().FieldByName("buckets").Len()
}

// clickPayload is a click on a button whose action is gone: a cheap, real
// trip through the router.
func clickPayload(i int) map[string]any {
	return interaction(strconv.Itoa(1200000000000000000+i), 3, member(hostID, plainPerms), click(guildID+":gone:"+strconv.Itoa(i)))
}

// TestInteractionsLeaveNoRateLimitBuckets: answering interactions adds
// nothing to discordgo's limiter, whose per-URL buckets would otherwise
// keep one entry per interaction token forever (discordgo issue 1333, shown
// here with discordgo's own InteractionRespond).
func TestInteractionsLeaveNoRateLimitBuckets(t *testing.T) {
	e := newEnv(t)
	s := e.a.rest.(*discordgo.Session)
	before := bucketCount(s)
	const n = 300
	for i := range n {
		e.interact(clickPayload(i))
	}
	e.fake.AwaitCount(t, "every callback", n, fakediscord.To("POST", "/callback"))
	if got := bucketCount(s); got != before {
		t.Errorf("the adapter's replies left %d rate-limit buckets, want %d", got, before)
	}

	const stock = 20
	for i := range stock {
		in := decodeInteraction(t, clickPayload(n+i))
		if err := s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
			t.Fatal(err)
		}
	}
	if got := bucketCount(s) - before; got != stock {
		t.Errorf("discordgo's InteractionRespond left %d buckets for %d interactions; the test no longer shows issue 1333", got, stock)
	}
}

// noContent answers every request with 204, in memory: the benchmark
// measures the adapter, not the loopback.
type noContent struct{}

func (noContent) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusNoContent, Status: "204 No Content", Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

// BenchmarkInteractionMemory reports the heap still held after b.N
// interactions are answered (retained-B/op, and retained-MiB in all), by
// the adapter and, for comparison, by discordgo's InteractionRespond.
// Run it over 100,000 interactions:
//
//	go test ./adapters/discord -run '^$' -bench InteractionMemory -benchtime 100000x
func BenchmarkInteractionMemory(b *testing.B) {
	b.Run("adapter", func(b *testing.B) {
		e := newEnv(b, func(c *Config) { c.HTTPClient = &http.Client{Transport: noContent{}} })
		e.a.h = e.router // the recorder keeps every request
		send := func(i int) {
			in := decodeInteraction(b, clickPayload(i))
			e.a.interact(context.Background(), in, responder{files: true, send: func(ctx context.Context, p any, files []*discordgo.File) error {
				return e.a.hooks.callback(ctx, in.ID, in.Token, p, files)
			}})
		}
		measure(b, send)
	})
	b.Run("discordgo.InteractionRespond", func(b *testing.B) {
		e := newEnv(b, func(c *Config) { c.HTTPClient = &http.Client{Transport: noContent{}} })
		s := e.a.rest.(*discordgo.Session)
		measure(b, func(i int) {
			in := decodeInteraction(b, clickPayload(i))
			s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		})
	})
}

func measure(b *testing.B, send func(i int)) {
	send(-1) // warm up: connections, lazily built tables
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		send(i)
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	retained := float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
	b.ReportMetric(retained/float64(b.N), "retained-B/op")
	b.ReportMetric(retained/(1<<20), "retained-MiB")
}
