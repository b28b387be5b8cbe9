package tcp

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pires/go-proxyproto"

	"tableraft/fsm"
	"tableraft/transport/auth"
	"tableraft/transport/guard"
	"tableraft/transport/hub"
	"tableraft/transport/session"
)

// idleNode leads nothing: hellos are answered with reconnect.
type idleNode struct{}

func (idleNode) ProposeCommand(context.Context, fsm.Command) (*fsm.Applied, error) {
	return nil, context.Canceled
}
func (idleNode) Leader() (string, string) { return "", "" }

// TestProxyProtocolAndPerIP: behind a trusted proxy the PROXY v2 header
// names the client, and the per-address bound counts that address; a
// plain connection from the proxy's address still works.
func TestProxyProtocolAndPerIP(t *testing.T) {
	keys, _ := auth.New([]byte("0123456789abcdef0123456789abcdef"))
	lim := session.DefaultLimits
	lim.HelloTimeout = 3 * time.Second
	log := slog.New(slog.DiscardHandler)
	srv := session.New(session.Config{NodeID: "n1", Node: idleNode{}, FSM: fsm.New(nil), Hub: hub.New(log), Keys: keys, Limits: lim, Logger: log})
	proxies, _ := guard.ParseProxies("127.0.0.1")
	perIP := guard.NewPerIP(1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { _ = ServeWith(ln, srv, Options{Proxies: proxies, PerIP: perIP}) }()

	dialAs := func(client string) (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if client != "" {
			src, _ := net.ResolveTCPAddr("tcp", client)
			h := proxyproto.HeaderProxyFromAddrs(2, src, ln.Addr())
			if _, err := h.WriteTo(c); err != nil {
				t.Fatal(err)
			}
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		return c, bufio.NewReader(c)
	}
	dialAs("203.0.113.5:4000")
	deadline := time.Now().Add(5 * time.Second)
	for perIP.Open("203.0.113.5") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the first connection was not counted for 203.0.113.5")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, second := dialAs("203.0.113.5:4001")
	if line, _ := second.ReadString('\n'); !strings.Contains(line, `"rateLimited"`) {
		t.Fatalf("a second connection of 203.0.113.5: %q", line)
	}
	other, otherR := dialAs("203.0.113.6:4000")
	plain, plainR := dialAs("")
	for name, c := range map[string]struct {
		c net.Conn
		r *bufio.Reader
	}{"another client": {other, otherR}, "a plain connection": {plain, plainR}} {
		if _, err := c.c.Write([]byte(`{"type":"hello","token":"x"}` + "\n")); err != nil {
			t.Fatal(err)
		}
		if line, _ := c.r.ReadString('\n'); !strings.Contains(line, `"unauthorized"`) {
			t.Errorf("%s: %q", name, line)
		}
	}
}
