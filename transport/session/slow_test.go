package session_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tableraft/transport/client"
)

// memConn is the reading half of an in-memory session.Conn: messages come
// from in, and Close ends the reads.
type memConn struct {
	in     chan []byte
	closed chan struct{}
	once   *sync.Once
}

func newMemConn(lines ...string) memConn {
	c := memConn{in: make(chan []byte, max(len(lines), 16)), closed: make(chan struct{}), once: new(sync.Once)}
	for _, l := range lines {
		c.in <- []byte(l)
	}
	return c
}

func (c *memConn) ReadMessage() ([]byte, error) {
	select {
	case b := <-c.in:
		return b, nil
	case <-c.closed:
		return nil, errors.New("closed")
	}
}

func (c *memConn) Flush() error                     { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }
func (c *memConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

// stuckConn is a client that says hello, creates a bot table and then
// never reads: every write blocks until the connection is closed.
type stuckConn struct{ memConn }

func newStuckConn(lines ...string) *stuckConn { return &stuckConn{newMemConn(lines...)} }

func (c *stuckConn) WriteMessage([]byte) error {
	<-c.closed
	return errors.New("closed")
}

func (c *stuckConn) RemoteAddr() string { return "stuck" }

// TestSlowClientDropped: a client that stops reading is dropped when its
// send queue is full; its table and the other players go on, and the
// dropped player resumes when it comes back.
func TestSlowClientDropped(t *testing.T) {
	lim := fastLimits()
	lim.QueueMessages = 32
	b := newBorder(t, lim)
	stuck := newStuckConn(
		fmt.Sprintf(`{"type":"hello","token":%q}`, b.token("slow")),
		`{"type":"createTable","seq":1,"game":"schafkopf","bots":3,"options":{"turnTimeoutMs":50}}`,
	)
	served := make(chan struct{})
	go func() { b.srv.Serve(stuck); close(served) }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	table, ps := seatPlayers(t, b, ctx, "schnapsen", "fast", 1, 1, client.Options{TurnTimeoutMs: 5000})
	select {
	case <-served:
	case <-time.After(30 * time.Second):
		t.Fatal("the stuck client was never dropped")
	}
	// The stuck player's table plays on (the turn timer plays for it) and
	// the other player is unaffected.
	start := len(b.f.Outbox())
	waitFor(t, 30*time.Second, "more results and the other player's deals", func() bool {
		return len(b.f.Outbox()) >= start+3 && ps[0].Results(table) >= 3
	})
	// The dropped player comes back and gets its table's state.
	c := b.dial("slow", b.tcpURL)
	for m := range c.Messages() {
		if m.Type == "tableState" {
			break
		}
	}
	if b.srv.Sessions() != 2 {
		t.Fatalf("%d sessions open, want 2", b.srv.Sessions())
	}
}
