package ws

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"pgregory.net/rapid"
)

// pair returns the server side of a real WebSocket over loopback, wrapped
// in Conn, and a gorilla client connected to it.
func pair(t *testing.T) (*Conn, *websocket.Conn) {
	t.Helper()
	got := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		got <- c
	}))
	t.Cleanup(srv.Close)
	cl, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	sc := <-got
	t.Cleanup(func() { sc.Close() })
	return NewConn(sc), cl
}

// TestBatchedFramesReadAsMessages: whatever sizes a burst holds (every
// length encoding of RFC 6455, and a burst past batchLimit), a standard
// client reads exactly the messages written, in order, as text messages.
func TestBatchedFramesReadAsMessages(t *testing.T) {
	cases := []struct {
		name  string
		sizes []int
	}{
		{"empty message", []int{0}},
		{"7-bit lengths", []int{1, 125, 60}},
		{"16-bit lengths", []int{126, 127, 4096, 65535}},
		{"64-bit length", []int{65536, 3}},
		{"a burst past the batch limit", []int{40000, 40000, 40000, 10}},
		{"many small", []int{30, 30, 30, 30, 30, 30, 30, 30, 30, 30}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, cl := pair(t)
			checkBurst(t, sc, cl, tc.sizes)
		})
	}
}

// TestBatchedFramesProperty: random bursts over one connection, with a
// ping from the client between bursts (gorilla answers it with a pong
// written beside our batches), all arrive intact.
func TestBatchedFramesProperty(t *testing.T) {
	sc, cl := pair(t)
	// The server must read for gorilla to answer pings.
	go func() {
		for {
			if _, err := sc.ReadMessage(); err != nil {
				return
			}
		}
	}()
	rapid.Check(t, func(rt *rapid.T) {
		sizes := rapid.SliceOfN(rapid.IntRange(0, 70000), 1, 8).Draw(rt, "sizes")
		if err := cl.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second)); err != nil {
			rt.Fatalf("ping: %v", err)
		}
		checkBurst(rt, sc, cl, sizes)
	})
}

func checkBurst(t interface {
	Helper()
	Fatalf(string, ...any)
}, sc *Conn, cl *websocket.Conn, sizes []int) {
	t.Helper()
	var want [][]byte
	for i, n := range sizes {
		msg := bytes.Repeat([]byte{'a' + byte(i%26)}, n)
		want = append(want, msg)
		if err := sc.WriteMessage(msg); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := sc.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	_ = cl.SetReadDeadline(time.Now().Add(5 * time.Second))
	for i, w := range want {
		typ, got, err := cl.ReadMessage()
		if err != nil {
			t.Fatalf("read %d of %d: %v", i, len(want), err)
		}
		if typ != websocket.TextMessage || !bytes.Equal(got, w) {
			t.Fatalf("message %d: type %d, %d bytes, want a text message of %d bytes", i, typ, len(got), len(w))
		}
	}
}
