package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"sparkbot/bot"
)

// Signing in: a chat command gives a one-time link (bot/dashboard.go).
// Opening it — a GET, which link previews and mail scanners make too — only
// shows a Sign in button; the button's POST spends the link and opens a
// session, kept in an HttpOnly cookie for bot.SessionTTL. Staff rights are
// those the platform gave when the link was made.

// sessionCookie names the session cookie; on https it carries the
// __Host- prefix, which browsers accept only Secure, on Path=/ and with no
// Domain, so no other site or subdomain can set it.
func (s *Server) sessionCookie() string {
	if s.secure {
		return "__Host-sparkbot_session"
	}
	return "sparkbot_session"
}

// session is a signed-in browser: who, in which workspace, with which rights.
type session struct {
	bot.Grant
	secret string
}

// csrf is the token every form of the session carries: derived from the
// session's secret, which a page on another site cannot read.
func (sess session) csrf() string {
	sum := sha256.Sum256([]byte("sparkbot csrf\x00" + sess.secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// home returns the page a session starts on.
func (sess session) home() string {
	if sess.Staff {
		return "/dashboard/cohort"
	}
	return bot.HostPagePath(sess.UserID)
}

// howToSignIn is what a 401 page tells.
const howToSignIn = "Get a new sign-in link in chat: staff run /cohort dashboard, hosts run /spaces dashboard. A link works once, for 15 minutes."

// signedIn returns the request's live session, or a 401.
func (s *Server) signedIn(r *http.Request) (session, error) {
	c, err := r.Cookie(s.sessionCookie())
	if err != nil || !bot.ValidSecret(c.Value) {
		return session{}, unauthorized("You are not signed in. " + howToSignIn)
	}
	g, err := s.store.Token(r.Context(), bot.HashToken(c.Value))
	switch {
	case errors.Is(err, bot.ErrNotFound) || (err == nil && g.Kind != bot.TokenSession):
		return session{}, unauthorized("Your session has ended. " + howToSignIn)
	case err != nil:
		return session{}, err
	case g.Expired(s.now()):
		return session{}, unauthorized("Your session has ended after 12 hours. " + howToSignIn)
	}
	return session{Grant: g, secret: c.Value}, nil
}

// staff returns the request's session, which must have staff rights.
func (s *Server) staff(r *http.Request) (session, error) {
	sess, err := s.signedIn(r)
	if err == nil && !sess.Staff {
		err = forbidden("This page is for program staff. Your own page is at " + sess.home() + ".")
	}
	return sess, err
}

// checkCSRF refuses a form without the session's token.
func checkCSRF(r *http.Request, sess session) error {
	got := r.PostFormValue("csrf")
	if subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf())) != 1 {
		return &httpError{status: http.StatusForbidden, title: "Form expired",
			message: "This form did not come from your current session. Go back, reload the page and try again."}
	}
	return nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.signedIn(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, sess.home(), http.StatusSeeOther)
	return nil
}

// linkGrant loads the sign-in link secret opens, or the 401 saying why not.
func (s *Server) linkGrant(r *http.Request, secret string) (bot.Grant, error) {
	if !bot.ValidSecret(secret) {
		return bot.Grant{}, unauthorized("This is not a sign-in link of ours; check it was copied whole. " + howToSignIn)
	}
	g, err := s.store.Token(r.Context(), bot.HashToken(secret))
	if errors.Is(err, bot.ErrNotFound) || (err == nil && g.Kind != bot.TokenSignIn) {
		return bot.Grant{}, unauthorized("This sign-in link is not one of ours, or it expired long ago. " + howToSignIn)
	}
	if err != nil {
		return bot.Grant{}, err
	}
	return g, linkUsable(g, s.now())
}

// linkUsable is the 401 for a link that was spent or has expired.
func linkUsable(g bot.Grant, now time.Time) error {
	switch {
	case !g.Used.IsZero():
		return unauthorized("This sign-in link was used already; each link works once. " + howToSignIn)
	case g.Expired(now):
		return unauthorized("This sign-in link has expired: links last 15 minutes. " + howToSignIn)
	}
	return nil
}

// signInPage shows the Sign in button; it changes nothing.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	secret := r.PathValue("secret")
	g, err := s.linkGrant(r, secret)
	if err != nil {
		return err
	}
	co, err := s.store.Cohort(r.Context(), g.Workspace)
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "signin", signInView{layout: layout{Title: "Sign in", Cohort: co.Name}, Secret: secret, Name: g.Name, Staff: g.Staff})
	return nil
}

// signIn spends the link and opens a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	secret := r.PostFormValue("secret")
	if _, err := s.linkGrant(r, secret); err != nil {
		return err
	}
	now := s.now()
	g, err := s.store.SpendToken(r.Context(), bot.HashToken(secret), now)
	if err != nil {
		return err
	}
	if err := linkUsable(g, now); err != nil {
		return err // spent by a racing request, or expired meanwhile
	}
	sessionSecret, err := bot.NewSecret(s.random)
	if err != nil {
		return err
	}
	sess := bot.Grant{Kind: bot.TokenSession, Workspace: g.Workspace, UserID: g.UserID, Name: g.Name, Staff: g.Staff,
		Created: now, Expires: now.Add(bot.SessionTTL)}
	if err := s.store.AddToken(r.Context(), bot.HashToken(sessionSecret), sess); err != nil {
		return err
	}
	s.log.Info("dashboard sign-in", "workspace", g.Workspace.Key(), "user", g.UserID, "staff", g.Staff)
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookie(), Value: sessionSecret, Path: "/", Expires: sess.Expires, MaxAge: int(bot.SessionTTL / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, session{Grant: sess}.home(), http.StatusSeeOther)
	return nil
}

// signOut ends the session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.signedIn(r)
	if err != nil {
		return err
	}
	if err := checkCSRF(r, sess); err != nil {
		return err
	}
	if err := s.store.DeleteToken(r.Context(), bot.HashToken(sess.secret)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "error", errorView{layout: layout{Title: "Signed out"}, Message: "You are signed out.", SignIn: true})
	return nil
}

// SignInsPerMinute is how many sign-in attempts (opening a link, pressing
// Sign in) one client address may make a minute.
const SignInsPerMinute = 20

// signInKey keys the sign-in limit, apart from the other keys a shared
// limiter (PostgreSQL's) holds.
const signInKey = "signin/"

// limited refuses a client's sign-in attempts beyond the limit.
func (s *Server) limited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.Allow(signInKey + s.clientAddr(r)) {
			s.fail(w, r, &httpError{status: http.StatusTooManyRequests, title: "Too many sign-in attempts",
				message: "Too many sign-in attempts from your address. Wait a minute, then open your link again."})
			return
		}
		next.ServeHTTP(w, r)
	})
}
