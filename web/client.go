package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Who a request comes from, for the sign-in limit. Behind a proxy every
// connection is the proxy's, so the address is read from X-Forwarded-For,
// but only when the connection comes from a proxy the operator named
// (SPARKBOT_TRUSTED_PROXIES): anyone else could write anything there.

// maxForwardedHops bounds the X-Forwarded-For entries read, right to left.
const maxForwardedHops = 16

// clientAddr is the client's address: the connection's, or, when that is a
// trusted proxy's, the right-most address in X-Forwarded-For that is not a
// trusted proxy's (each proxy appends the address it was reached from, so
// the entries left of that one are the client's own say). If every hop is
// trusted, the left-most is the client; an entry that is not an address
// ends the walk at the hop that passed it on. An IPv6 address counts by
// its /64, what one subscriber is usually given.
func (s *Server) clientAddr(r *http.Request) string {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if s.trusted(peer) {
		hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
		for i := len(hops) - 1; i >= 0 && i >= len(hops)-maxForwardedHops; i-- {
			a, ok := parseHop(hops[i])
			if !ok {
				break
			}
			peer = a
			if !s.trusted(a) {
				break
			}
		}
	}
	if peer.Is4() {
		return peer.String()
	}
	return netip.PrefixFrom(peer, 64).Masked().String()
}

// forwardedFor splits X-Forwarded-For headers into their entries, leaving
// out empty ones.
func forwardedFor(headers []string) []string {
	var out []string
	for _, h := range headers {
		for e := range strings.SplitSeq(h, ",") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// parseHop reads an address, with or without a port ("203.0.113.5",
// "203.0.113.5:4711", "[2001:db8::1]:80", "2001:db8::1").
func parseHop(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads SPARKBOT_TRUSTED_PROXIES: addresses and CIDR
// ranges, separated by commas ("127.0.0.1,10.0.0.0/8"); empty is none.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []netip.Prefix
	for e := range strings.SplitSeq(s, ",") {
		e = strings.TrimSpace(e)
		p, err := netip.ParsePrefix(e)
		if err != nil {
			a, aerr := netip.ParseAddr(e)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("SPARKBOT_TRUSTED_PROXIES must be the addresses or CIDR ranges of the proxies in front of sparkbot, separated by commas, like 127.0.0.1,10.0.0.0/8; %q is neither", e)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
