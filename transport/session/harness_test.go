package session_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/fsm/duty"
	"tableraft/transport/auth"
	"tableraft/transport/client"
	"tableraft/transport/client/autoplay"
	"tableraft/transport/hub"
	"tableraft/transport/session"
	"tableraft/transport/tcp"
	"tableraft/transport/ws"
)

// localNode stands in for the Raft node: it stamps a command as the
// leader would and applies it to the FSM at once, in one order.
type localNode struct {
	mu    sync.Mutex
	f     *fsm.FSM
	index uint64
}

func (n *localNode) ProposeCommand(ctx context.Context, cmd fsm.Command) (*fsm.Applied, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cmd.Now == 0 {
		cmd.Now = time.Now().UnixMilli()
	}
	switch cmd.Op {
	case fsm.OpCreateTable, fsm.OpJoinTable, fsm.OpStartDeal:
		if cmd.Seed == ([32]byte{}) {
			_, _ = rand.Read(cmd.Seed[:])
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.index++
	return n.f.ApplyCommand(n.index, cmd)
}

func (n *localNode) Leader() (string, string) { return "n1", "127.0.0.1:7001" }

// border is one node's player border in-process: FSM, hub, sessions,
// the leader's duties (bots, timers, next deals), a WebSocket server and
// a TCP listener on loopback.
type border struct {
	t      *testing.T
	f      *fsm.FSM
	hub    *hub.Hub
	srv    *session.Server
	keys   *auth.Keys
	wsURL  string
	tcpURL string
	node   *localNode
	obs    *observer

	// streams records what each player made by seatPlayers received.
	streams map[*autoplay.Player]*stream
	// truth records every applied event unredacted, when set.
	truthMu sync.Mutex
	truth   []fsm.TableEvent

	leadCancel context.CancelFunc
	leadDone   chan struct{}
}

var testSecret = []byte("test-secret-0123456789abcdef-0123456789")

func newBorder(t *testing.T, lim session.Limits) *border {
	t.Helper()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b := &border{t: t, hub: hub.New(log), streams: map[*autoplay.Player]*stream{}}
	b.f = fsm.New(func(index uint64, evs []fsm.TableEvent) {
		b.truthMu.Lock()
		b.truth = append(b.truth, evs...)
		b.truthMu.Unlock()
		b.hub.Listener(index, evs)
	})
	b.hub.Attach(b.f)
	b.node = &localNode{f: b.f}
	keys, err := auth.New(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	b.keys = keys
	b.f.ApplyCommand(1, fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: "n1", HTTP: "127.0.0.1:8001", TCP: "127.0.0.1:9001"}})
	b.node.index = 1
	b.obs = &observer{refused: map[string]int{}, proposed: map[fsm.Op]int{}}
	b.srv = session.New(session.Config{NodeID: "n1", Node: b.node, FSM: b.f, Hub: b.hub, Keys: keys, Limits: lim, Logger: log, Observer: b.obs})

	ctx, cancel := context.WithCancel(context.Background())
	go b.hub.Run(ctx)
	dcfg := duty.DefaultConfig
	dcfg.BotDelay, dcfg.NextDealDelay, dcfg.Tick = 5*time.Millisecond, 20*time.Millisecond, 5*time.Millisecond
	dutyDone := make(chan struct{})
	go func() {
		defer close(dutyDone)
		duty.Run(ctx, dcfg, b.f, func(ctx context.Context, cmd fsm.Command) error {
			_, err := b.node.ProposeCommand(ctx, cmd)
			return err
		}, func() [32]byte {
			var s [32]byte
			_, _ = rand.Read(s[:])
			return s
		}, log)
	}()

	mux := http.NewServeMux()
	mux.Handle("/ws", ws.Handler(b.srv))
	hs := httptest.NewServer(mux)
	b.wsURL = "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.tcpURL = "tcp://" + ln.Addr().String()
	go tcp.Serve(ln, b.srv)
	b.lead()
	t.Cleanup(func() {
		b.srv.Close()
		ln.Close()
		hs.Close()
		cancel()
		<-dutyDone
		b.stopLeading()
	})
	return b
}

// lead starts serving players, as a new leadership would.
func (b *border) lead() {
	ctx, cancel := context.WithCancel(context.Background())
	b.leadCancel, b.leadDone = cancel, make(chan struct{})
	go func(done chan struct{}) { b.srv.Lead(ctx); close(done) }(b.leadDone)
	waitFor(b.t, 5*time.Second, "the border to serve", b.srv.Serving)
}

// stopLeading ends the leadership: every session is told to reconnect.
func (b *border) stopLeading() {
	if b.leadCancel != nil {
		b.leadCancel()
		<-b.leadDone
		b.leadCancel = nil
	}
}

func (b *border) token(player string) string {
	b.t.Helper()
	tok, err := b.keys.Mint(player, time.Hour)
	if err != nil {
		b.t.Fatal(err)
	}
	return tok
}

// dial connects a client for player over url (ws or tcp).
func (b *border) dial(player, url string) *client.Client {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Config{Addrs: []string{url}, Token: b.token(player), MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	if err != nil {
		b.t.Fatalf("dial %s as %s: %v", url, player, err)
	}
	b.t.Cleanup(c.Close)
	return c
}

// raw is a bare TCP connection speaking lines, for tests that send what
// the client package never would.
type raw struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func (b *border) raw() *raw {
	b.t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(b.tcpURL, "tcp://"))
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { c.Close() })
	return &raw{t: b.t, c: c, r: bufio.NewReaderSize(c, 1<<16)}
}

func (r *raw) send(line string) {
	r.t.Helper()
	if _, err := r.c.Write([]byte(line + "\n")); err != nil {
		r.t.Fatalf("send: %v", err)
	}
}

// next reads the next message; it fails the test after 5 s.
func (r *raw) next() map[string]any {
	r.t.Helper()
	_ = r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.r.ReadBytes('\n')
	if err != nil {
		r.t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		r.t.Fatalf("server sent %q: %v", line, err)
	}
	return m
}

// until reads messages until one has type typ (and seq, when not 0).
func (r *raw) until(typ string, seq float64) map[string]any {
	r.t.Helper()
	for {
		m := r.next()
		if m["type"] == typ && (seq == 0 || m["seq"] == seq) {
			return m
		}
	}
}

// closed reports whether the server closed the connection within 5 s
// (reading and dropping whatever still arrives).
func (r *raw) closed() bool {
	_ = r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, err := r.r.ReadBytes('\n'); err != nil {
			ne, ok := err.(net.Error)
			return !(ok && ne.Timeout())
		}
	}
}

func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
