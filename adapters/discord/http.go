package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Limits of the HTTP interactions endpoint.
const (
	maxBody = 1 << 20 // bytes of one interaction
	// maxSkew is how far a request's signed timestamp may be from the
	// clock, either way; discordgo.VerifyInteraction does not check it, so
	// a captured request could be replayed forever.
	maxSkew = 5 * time.Minute
)

// parsePublicKey reads the application's hex public key; "" means none.
func parsePublicKey(s string) (ed25519.PublicKey, error) {
	if s == "" {
		return nil, nil
	}
	key, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, errors.New("discord: the public key must be the application's PUBLIC KEY from the Developer Portal (General Information): 64 hex characters")
	}
	return key, nil
}

// InteractionsPath is where the Interactions Endpoint URL is served.
const InteractionsPath = "/discord/interactions"

// Routes returns the HTTP routes to mount on the process's listener: the
// Interactions Endpoint URL (POST /discord/interactions) when a public key
// is configured, otherwise none. The endpoint verifies Discord's Ed25519
// signature and the timestamp's age, answers PING with PONG and routes
// everything else as the gateway does.
func (a *Adapter) Routes() map[string]http.Handler {
	if a.publicKey == nil {
		return nil
	}
	return map[string]http.Handler{http.MethodPost + " " + InteractionsPath: http.HandlerFunc(a.serveInteraction)}
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	defer a.recoverPanic("HTTP interaction", func() { httpStatus(w, http.StatusInternalServerError) })
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpStatus(w, http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		httpStatus(w, bodyErrorStatus(err))
		return
	}
	signedAt, err := a.verify(r.Header, body)
	if err != nil {
		a.log.Warn("rejecting an unsigned interaction", "remote", r.RemoteAddr, "reason", err)
		httpStatus(w, http.StatusUnauthorized)
		return
	}
	in, err := parseInteraction(body)
	if err != nil {
		// Signed by Discord's key, yet not what Discord sends: answered
		// without detail, and never as the server's fault.
		a.log.Warn("rejecting a malformed signed interaction", "remote", r.RemoteAddr, "reason", err)
		httpStatus(w, http.StatusBadRequest)
		return
	}
	if in.Type == discordgo.InteractionPing {
		writeJSON(w, callbackPayload{Type: discordgo.InteractionResponsePong})
		return
	}
	if !a.firstSight(r, w, "discord:interaction:"+in.ID, signedAt) {
		return
	}
	a.serveViaWorker(w, r, in)
}

// parseInteraction reads a signed body strictly: an interaction of a type
// Discord documents, with an id and a token the adapter can answer with.
func parseInteraction(body []byte) (*discordgo.Interaction, error) {
	var in discordgo.Interaction
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("not an interaction: %w", err)
	}
	if in.Type < discordgo.InteractionPing || in.Type > discordgo.InteractionModalSubmit {
		return nil, fmt.Errorf("unknown interaction type %d", in.Type)
	}
	if in.Type != discordgo.InteractionPing && (!isSnowflake(in.ID) || !validToken(in.Token)) {
		return nil, errors.New("an interaction without a valid id or token")
	}
	return &in, nil
}

// firstSight records a signed request as acted on and reports whether it
// is the first time; a replay inside the signature window gets 409, and
// when the replay set cannot take more the request is refused with 503
// (forgetting older ones would let them be replayed).
func (a *Adapter) firstSight(r *http.Request, w http.ResponseWriter, key string, signedAt time.Time) bool {
	if a.cfg.Replay == nil {
		return true
	}
	first, err := a.cfg.Replay.FirstSeen(r.Context(), key, signedAt.Add(maxSkew+time.Second))
	switch {
	case err != nil:
		a.log.Error("refusing an interaction: the replay set cannot take it", "err", err)
		httpStatus(w, http.StatusServiceUnavailable)
		return false
	case !first:
		a.log.Warn("refusing a replayed interaction", "remote", r.RemoteAddr)
		httpStatus(w, http.StatusConflict)
		return false
	}
	return true
}

// ReplayGuard remembers the signed requests the adapter acted on;
// edge.ReplaySet is one, kept in memory.
type ReplayGuard interface {
	// FirstSeen records key until the time until and reports whether it
	// is new; false means a replay.
	FirstSeen(ctx context.Context, key string, until time.Time) (bool, error)
}

// httpStatus answers with a bare status: no detail for whoever sent it.
func httpStatus(w http.ResponseWriter, code int) { http.Error(w, http.StatusText(code), code) }

// bodyErrorStatus is the answer to a body that could not be read: too
// large, or cut off (its read timeout passed, the client went away).
func bodyErrorStatus(err error) int {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// serveViaWorker answers in on an adapter-owned goroutine, which may go on
// after the first response (a deferred reply's follow-up); the HTTP
// response is that first response.
func (a *Adapter) serveViaWorker(w http.ResponseWriter, r *http.Request, in *discordgo.Interaction) {
	first := make(chan any, 1)
	done := make(chan struct{})
	started := a.spawn(func(ctx context.Context) {
		defer close(done)
		a.interact(ctx, in, responder{send: func(_ context.Context, p any, _ []*discordgo.File) error {
			first <- p
			return nil
		}})
	})
	if !started {
		httpStatus(w, http.StatusServiceUnavailable)
		return
	}
	select {
	case p := <-first:
		writeJSON(w, p)
	case <-done:
		select {
		case p := <-first:
			writeJSON(w, p)
		default:
			httpStatus(w, http.StatusInternalServerError)
		}
	case <-r.Context().Done():
	}
}

// verify checks Discord's signature over timestamp+body and that the
// timestamp is within maxSkew of the clock; it returns the signed time.
func (a *Adapter) verify(h http.Header, body []byte) (time.Time, error) {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return time.Time{}, errors.New("missing or malformed X-Signature-Ed25519")
	}
	ts := h.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) > 12 {
		return time.Time{}, errors.New("missing or malformed X-Signature-Timestamp")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(a.publicKey, msg, sig) {
		return time.Time{}, errors.New("bad signature")
	}
	signedAt := time.Unix(sec, 0)
	if age := a.clock.Now().Sub(signedAt); age > maxSkew || age < -maxSkew {
		return time.Time{}, fmt.Errorf("timestamp is %s off the clock", age.Round(time.Second))
	}
	return signedAt, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		httpStatus(w, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
