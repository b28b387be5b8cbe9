package ws

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tableraft/fsm"
	"tableraft/transport/auth"
	"tableraft/transport/guard"
	"tableraft/transport/hub"
	"tableraft/transport/session"
)

type idleNode struct{}

func (idleNode) ProposeCommand(context.Context, fsm.Command) (*fsm.Applied, error) {
	return nil, context.Canceled
}
func (idleNode) Leader() (string, string) { return "", "" }

// TestChecksBeforeTheUpgrade: a foreign page is refused 403, an address
// past its bound 429; a connection gets pings once it has said something,
// and answering them does not stretch the hello timeout.
func TestChecksBeforeTheUpgrade(t *testing.T) {
	keys, _ := auth.New([]byte("0123456789abcdef0123456789abcdef"))
	lim := session.DefaultLimits
	lim.HelloTimeout = 500 * time.Millisecond
	log := slog.New(slog.DiscardHandler)
	srv := session.New(session.Config{NodeID: "n1", Node: idleNode{}, FSM: fsm.New(nil), Hub: hub.New(log), Keys: keys, Limits: lim, Logger: log})
	hs := httptest.NewServer(HandlerWith(srv, Options{PerIP: guard.NewPerIP(1), PingInterval: 50 * time.Millisecond, IdleTimeout: time.Second}))
	defer hs.Close()
	url := "ws" + strings.TrimPrefix(hs.URL, "http")
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}

	if _, resp, err := d.Dial(url, http.Header{"Origin": {"https://evil.example"}}); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", resp, err)
	}
	first, _, err := d.Dial(url, http.Header{"Origin": {hs.URL}})
	if err != nil {
		t.Fatalf("same origin: %v", err)
	}
	defer first.Close()
	if _, resp, err := d.Dial(url, nil); err == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a second connection of the address: %v %v", resp, err)
	}
	var pings atomic.Int32
	first.SetPingHandler(func(string) error {
		pings.Add(1)
		return first.WriteControl(websocket.PongMessage, nil, time.Now().Add(time.Second))
	})
	// Silent: no pings, and the hello timeout closes it.
	_ = first.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := first.ReadMessage(); websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure) || err == nil {
		t.Fatalf("a silent connection: %v", err)
	}
	if n := pings.Load(); n != 0 {
		t.Fatalf("%d pings before hello", n)
	}

	// Once it has said hello: pings.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Lead(ctx)
	for i := 0; !srv.Serving() && i < 1000; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	second, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	var pings2 atomic.Int32
	second.SetPingHandler(func(string) error {
		if pings2.Add(1) == 2 {
			_ = second.SetReadDeadline(time.Now()) // seen enough: end the read
		}
		return second.WriteControl(websocket.PongMessage, nil, time.Now().Add(time.Second))
	})
	tok, _ := keys.Mint("p1", time.Minute)
	_ = second.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","token":"`+tok+`"}`))
	_ = second.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, m, err := second.ReadMessage(); err != nil || !strings.Contains(string(m), "welcome") {
		t.Fatalf("hello: %s %v", m, err)
	}
	_ = second.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, _ = second.ReadMessage() // pings arrive while it waits
	if n := pings2.Load(); n < 2 {
		t.Fatalf("%d pings before the read ended", n)
	}
}
