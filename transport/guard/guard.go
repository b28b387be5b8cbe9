// Package guard holds the player border's checks that come before a
// session exists: which address a connection really comes from (behind
// haproxy, from X-Forwarded-For or a PROXY protocol header, trusted only
// from the configured proxies), how many connections one address may hold
// open, and which web origins may open a WebSocket.
package guard

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// PerIP counts the open connections of every client address and refuses
// one past Max. A zero or negative Max admits everything (still counted).
// It is safe for concurrent use.
type PerIP struct {
	max int

	mu   sync.Mutex
	open map[string]int
}

// NewPerIP returns a counter that admits max connections per address.
func NewPerIP(max int) *PerIP { return &PerIP{max: max, open: map[string]int{}} }

// Acquire counts a new connection from ip. It returns false when ip holds
// Max already; otherwise release must be called once when the connection
// closes.
func (p *PerIP) Acquire(ip string) (release func(), ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.max > 0 && p.open[ip] >= p.max {
		return nil, false
	}
	p.open[ip]++
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.open[ip]--; p.open[ip] <= 0 {
				delete(p.open, ip)
			}
		})
	}, true
}

// Open returns the connections ip holds now.
func (p *PerIP) Open(ip string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open[ip]
}

// Proxies are the networks whose forwarding headers are believed: the
// load balancers in front of the nodes. The zero value trusts nobody.
type Proxies struct {
	nets []*net.IPNet
	list []string
}

// ParseProxies reads a comma-separated list of IP addresses and CIDR
// ranges ("10.0.0.10,10.0.1.0/24"); empty trusts nobody.
func ParseProxies(list string) (*Proxies, error) {
	p := &Proxies{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			ip := net.ParseIP(s)
			if ip == nil {
				return nil, fmt.Errorf("guard: trusted proxy %q is not an IP address or CIDR range", s)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			s = fmt.Sprintf("%s/%d", ip, bits)
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("guard: trusted proxy %q: %w", s, err)
		}
		p.nets = append(p.nets, n)
		p.list = append(p.list, s)
	}
	return p, nil
}

// List returns the trusted ranges in CIDR form (for the PROXY protocol
// listener's policy).
func (p *Proxies) List() []string {
	if p == nil {
		return nil
	}
	return append([]string(nil), p.list...)
}

// Trusted reports whether ip is one of the proxies.
func (p *Proxies) Trusted(ip net.IP) bool {
	if p == nil || ip == nil {
		return false
	}
	for _, n := range p.nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// HostIP returns the IP part of a "host:port" address (the address itself
// when it has no port).
func HostIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// ClientIP is the address an HTTP request comes from: its peer's, unless
// the peer is a trusted proxy; then the right-most address in
// X-Forwarded-For that is not a trusted proxy itself (the left part of the
// header is whatever the client wrote and proves nothing).
func (p *Proxies) ClientIP(r *http.Request) string {
	ip := HostIP(r.RemoteAddr)
	if !p.Trusted(net.ParseIP(ip)) {
		return ip
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for _, f := range strings.Split(h, ",") {
			if f = strings.TrimSpace(f); f != "" {
				hops = append(hops, f)
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop := net.ParseIP(HostIP(hops[i]))
		if hop == nil {
			return ip // a garbled header: count the proxy itself
		}
		if !p.Trusted(hop) {
			return hop.String()
		}
	}
	return ip
}

// Origins decides which web pages may open a WebSocket. Empty: only pages
// served by the same host the request names (Origin's host equals Host)
// or by another node of the cluster (WithPeers: a page a follower served
// follows the leader hint to the leader's address); "*" anywhere;
// otherwise the listed origins ("https://play.example.com").
// A request without an Origin header is not from a browser page and is
// let through: the token in hello is what authenticates it.
type Origins struct {
	any     bool
	allowed map[string]bool
	peers   func() []string
}

// WithPeers makes the default (no list) also accept pages served by the
// hosts (host:port) peers returns when asked: the cluster's nodes.
func (o *Origins) WithPeers(peers func() []string) *Origins {
	c := *o
	c.peers = peers
	return &c
}

// ParseOrigins reads a comma-separated list of origins.
func ParseOrigins(list string) (*Origins, error) {
	o := &Origins{allowed: map[string]bool{}}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			continue
		case s == "*":
			o.any = true
			continue
		}
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("guard: allowed origin %q is not scheme://host[:port]", s)
		}
		o.allowed[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return o, nil
}

// Check reports whether r's Origin may open a WebSocket.
func (o *Origins) Check(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if o != nil && o.any {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if o != nil && len(o.allowed) > 0 {
		return o.allowed[strings.ToLower(u.Scheme+"://"+u.Host)]
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if o != nil && o.peers != nil {
		for _, h := range o.peers() {
			if strings.EqualFold(u.Host, h) {
				return true
			}
		}
	}
	return false
}
