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
	defer a.recoverPanic("HTTP interaction", func() { http.Error(w, "internal error", http.StatusInternalServerError) })
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if err := a.verify(r.Header, body); err != nil {
		a.log.Warn("rejecting an unsigned interaction", "remote", r.RemoteAddr, "reason", err)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var in discordgo.Interaction
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	if in.Type == discordgo.InteractionPing {
		writeJSON(w, callbackPayload{Type: discordgo.InteractionResponsePong})
		return
	}
	a.serveViaWorker(w, r, &in)
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
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
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
			http.Error(w, "no response", http.StatusInternalServerError)
		}
	case <-r.Context().Done():
	}
}

// verify checks Discord's signature over timestamp+body and that the
// timestamp is within maxSkew of the clock.
func (a *Adapter) verify(h http.Header, body []byte) error {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("missing or malformed X-Signature-Ed25519")
	}
	ts := h.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) > 12 {
		return errors.New("missing or malformed X-Signature-Timestamp")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(a.publicKey, msg, sig) {
		return errors.New("bad signature")
	}
	if age := a.clock.Now().Sub(time.Unix(sec, 0)); age > maxSkew || age < -maxSkew {
		return fmt.Errorf("timestamp is %s off the clock", age.Round(time.Second))
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
