package session_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"tableraft/transport/session"
)

var _ session.ProxiedConn = (*proxiedConn)(nil)

// proxiedConn is a session.Conn in memory that says it came through a
// trusted proxy: the test is the proxy, and cuts it with Close.
type proxiedConn struct {
	memConn
	mu  sync.Mutex
	out [][]byte
}

func newProxiedConn() *proxiedConn { return &proxiedConn{memConn: newMemConn()} }

func (c *proxiedConn) WriteMessage(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = append(c.out, append([]byte(nil), msg...))
	return nil
}

func (c *proxiedConn) RemoteAddr() string { return "10.0.0.21:40000" }
func (c *proxiedConn) ViaProxy() bool     { return true }

// types returns the type of every message written so far.
func (c *proxiedConn) types() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, b := range c.out {
		var m struct {
			Type    string `json:"type"`
			RetryMs *int64 `json:"retryMs"`
		}
		_ = json.Unmarshal(b, &m)
		if m.Type == "reconnect" && m.RetryMs != nil {
			m.Type += map[bool]string{true: "(now)", false: "(later)"}[*m.RetryMs == 0]
		}
		out = append(out, m.Type)
	}
	return out
}

func (c *proxiedConn) has(typ string) bool {
	for _, t := range c.types() {
		if t == typ {
			return true
		}
	}
	return false
}

// serveProxied runs a session over a proxiedConn and says hello as player.
func serveProxied(t *testing.T, b *border, player string) (*proxiedConn, <-chan struct{}) {
	t.Helper()
	c, done := helloProxied(b, player)
	waitFor(t, 5*time.Second, "the welcome", func() bool { return c.has("welcome") })
	return c, done
}

// TestHandOverWaitsForTheProxy: when the node stops leading, a session
// that came through a trusted proxy stays open and silent (a command sent
// meanwhile gets no answer) until the proxy cuts it, while a direct client
// is told to reconnect at once.
func TestHandOverWaitsForTheProxy(t *testing.T) {
	lim := fastLimits()
	lim.HandOverHold = time.Hour
	b := newBorder(t, lim)
	proxied, done := serveProxied(t, b, "via-proxy")
	direct := b.raw()
	direct.send(`{"type":"hello","token":"` + b.token("direct") + `"}`)
	direct.until("welcome", 0)

	b.stopLeading()
	if m := direct.until("reconnect", 0); m["retryMs"] != float64(lim.RetryMs) {
		t.Fatalf("direct client: %v, want a reconnect with retryMs %d", m, lim.RetryMs)
	}
	proxied.in <- []byte(`{"type":"listTables","seq":1}`)
	proxied.in <- []byte(`{"type":"ping","seq":2}`)
	if err := proxied.Close(); err != nil { // the proxy marks the node down and cuts
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the held session did not end when the proxy cut it")
	}
	if got := proxied.types(); len(got) != 1 || got[0] != "welcome" {
		t.Fatalf("the held session was sent %v, want only the welcome", got)
	}
}

// TestHandOverEndsWithAReconnect: a held session the proxy does not cut
// is told, after the hold, to reconnect at once (retryMs 0).
func TestHandOverEndsWithAReconnect(t *testing.T) {
	lim := fastLimits()
	lim.HandOverHold = 20 * time.Millisecond
	b := newBorder(t, lim)
	proxied, done := serveProxied(t, b, "via-proxy")
	b.stopLeading()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the held session did not end after its hold")
	}
	if !proxied.has("reconnect(now)") {
		t.Fatalf("the held session was sent %v, want a reconnect with retryMs 0", proxied.types())
	}
}

// TestNoHandOverWithoutHold: HandOverHold 0 treats a proxied session like
// any other (reconnect with the usual retryMs at once).
func TestNoHandOverWithoutHold(t *testing.T) {
	lim := fastLimits()
	lim.HandOverHold = 0
	b := newBorder(t, lim)
	proxied, done := serveProxied(t, b, "via-proxy")
	b.stopLeading()
	<-done
	if !proxied.has("reconnect(later)") {
		t.Fatalf("sent %v, want a reconnect with the usual retryMs", proxied.types())
	}
}

// helloProxied runs a session over a proxiedConn and says hello as
// player, without waiting for the answer.
func helloProxied(b *border, player string) (*proxiedConn, <-chan struct{}) {
	c := newProxiedConn()
	done := make(chan struct{})
	go func() { b.srv.Serve(c); close(done) }()
	c.in <- []byte(`{"type":"hello","token":"` + b.token(player) + `"}`)
	return c, done
}

// TestTakeoverHoldsHellosUntilLead: a node told that leadership is coming
// to it (ExpectLead) keeps a hello waiting, unanswered, and welcomes the
// player the moment it leads; how the takeover ends decides what a held
// player gets.
func TestTakeoverHoldsHellosUntilLead(t *testing.T) {
	for _, tc := range []struct {
		name string
		hold time.Duration
		end  func(b *border)
		want string
	}{
		{"the node leads: welcome", time.Hour, func(b *border) { b.lead() }, "welcome"},
		{"the transfer failed (hold 0): reconnect", time.Hour, func(b *border) { b.srv.ExpectLead(0) }, "reconnect(later)"},
		{"the hold expires: reconnect", 50 * time.Millisecond, func(*border) {}, "reconnect(later)"},
		{"a second call extends the hold: welcome", 50 * time.Millisecond, func(b *border) {
			b.srv.ExpectLead(time.Hour)
			time.Sleep(60 * time.Millisecond) // past the first hold
			b.lead()
		}, "welcome"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBorder(t, fastLimits())
			b.stopLeading()
			if b.srv.ExpectingLead() {
				t.Fatal("ExpectingLead before ExpectLead")
			}
			b.srv.ExpectLead(tc.hold)
			if !b.srv.ExpectingLead() {
				t.Fatal("ExpectingLead is false after ExpectLead")
			}
			c, _ := helloProxied(b, "p1")
			time.Sleep(30 * time.Millisecond)
			if got := c.types(); len(got) != 0 {
				t.Fatalf("a hello held for a takeover was answered %v", got)
			}
			tc.end(b)
			waitFor(t, 5*time.Second, tc.want, func() bool { return c.has(tc.want) })
			if b.srv.ExpectingLead() {
				t.Error("ExpectingLead after the takeover ended")
			}
		})
	}
}

// TestNoTakeoverWhileLeading: ExpectLead on a node that serves already
// changes nothing, and a node without a takeover turns a hello away at
// once.
func TestNoTakeoverWhileLeading(t *testing.T) {
	b := newBorder(t, fastLimits())
	b.srv.ExpectLead(time.Hour)
	if b.srv.ExpectingLead() {
		t.Error("a serving node expects leadership")
	}
	b.stopLeading()
	c, done := helloProxied(b, "p1")
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a hello to a node that neither leads nor expects to was held")
	}
	if !c.has("reconnect(later)") {
		t.Fatalf("sent %v, want reconnect", c.types())
	}
}

// TestAwaitHandedOver: after the leadership ended, a node that stops waits
// for the proxy to cut the sessions it holds (here at once), and no
// longer than the hold when nobody cuts them.
func TestAwaitHandedOver(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  bool
		hold time.Duration
	}{
		{"the proxy cuts the held session", true, 10 * time.Second},
		{"nobody cuts it: the hold ends it", false, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := fastLimits()
			lim.HandOverHold = tc.hold
			b := newBorder(t, lim)
			proxied, _ := serveProxied(t, b, "via-proxy")
			b.stopLeading()
			if tc.cut {
				time.AfterFunc(20*time.Millisecond, func() { _ = proxied.Close() })
			}
			start := time.Now()
			b.srv.AwaitHandedOver(context.Background())
			took := time.Since(start)
			if n := b.srv.Sessions(); n != 0 {
				t.Fatalf("%d sessions left after AwaitHandedOver", n)
			}
			if tc.cut && took >= lim.HandOverHold {
				t.Errorf("waited %s although the proxy cut the session after 20ms", took)
			}
			if !tc.cut && !proxied.has("reconnect(now)") {
				t.Errorf("the held session was sent %v, want a reconnect at the end of the hold", proxied.types())
			}
		})
	}
}
