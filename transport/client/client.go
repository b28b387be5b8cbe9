// Package client is the Go client of the player protocol: it connects
// over WebSocket or TCP, says hello with a token, resumes its tables after
// a reconnect, follows the server's reconnect hints to the leader with
// backoff, and sends commands with seqs, retrying the ones in flight with
// the same seq after a reconnect (the server applies a (player, seq) at
// most once). The tests, the load generator and integrators use it.
//
//	c, err := client.Dial(ctx, client.Config{Addrs: []string{"ws://127.0.0.1:8001/ws"}, Token: tok})
//	ack, err := c.Do(ctx, client.CreateTable("schnapsen", 1, client.Options{}))
//	for m := range c.Messages() { ... }
//
// Read Messages continuously: the client does not buffer without bound,
// so a consumer that stops reading stalls the connection (and the server
// drops it, after which the client reconnects and resyncs).
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config configures a Client.
type Config struct {
	// Addrs are the nodes (or the load balancer) to connect to:
	// "ws://host:port/ws" or "tcp://host:port". They are tried in turn;
	// a reconnect hint naming the leader is followed first, over the same
	// transport as the address in use.
	Addrs []string
	// Token is the player's signed token.
	Token string
	// MinBackoff and MaxBackoff bound the pause between failed attempts
	// (doubling, with jitter). Defaults 50 ms and 2 s. Two cases skip
	// it: a reconnect message's retryMs is followed as given (but for a
	// 0 answered to the hello), and a connection that served for at least
	// a second and broke (a leader change, haproxy cutting it at a
	// switch) is retried at once.
	MinBackoff, MaxBackoff time.Duration
	// FastRetry is how long after losing a welcomed connection the pause
	// stays at most FastBackoff instead of growing to MaxBackoff: a leader
	// change leaves no node to serve for about one election (0.5-1.5 s),
	// and a player should be back the moment one serves, not a long
	// backoff later. Defaults 3 s and 250 ms; a FastRetry below zero
	// turns it off.
	FastRetry, FastBackoff time.Duration
	// PingInterval is the keep-alive period. Default 15 s.
	PingInterval time.Duration
	// Silence is how long a welcomed connection may bring nothing, not
	// even the pong of a ping, before the client takes it for dead and
	// connects again. Default 2 × PingInterval. Why: a connection whose
	// far side is gone without a word (a node cut off behind a proxy, a
	// mobile network) stays open here, and a player waiting for its turn
	// would wait for ever.
	Silence time.Duration
	// DialTimeout bounds one connection attempt. Default 5 s.
	DialTimeout time.Duration
	// Buffer is the capacity of the Messages channel. Default 256.
	Buffer int
	// IgnoreHints makes the client dial only Addrs, never the node a
	// reconnect hint names: behind a load balancer (haproxy) the nodes'
	// own addresses may be unreachable, and the balancer routes to the
	// leader by itself.
	IgnoreHints bool
	// Logger receives connection changes at debug level.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MinBackoff <= 0 {
		c.MinBackoff = 50 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 2 * time.Second
	}
	if c.FastRetry == 0 {
		c.FastRetry = 3 * time.Second
	}
	if c.FastBackoff <= 0 {
		c.FastBackoff = 250 * time.Millisecond
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 15 * time.Second
	}
	if c.Silence <= 0 {
		c.Silence = 2 * c.PingInterval
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = 5 * time.Second
	}
	if c.Buffer <= 0 {
		c.Buffer = 256
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// ErrClosed is returned by Do after Close.
var ErrClosed = errors.New("client: closed")

// Client is one player's connection, kept alive across reconnects. Its
// methods are safe for concurrent use.
type Client struct {
	cfg  Config
	msgs chan Message
	stop chan struct{}
	done chan struct{}

	mu         sync.Mutex
	seq        int64
	pending    map[int64]*call
	last       map[int64]int64 // per table: the last event held (the resume point)
	syncing    map[int64]bool  // a gap was seen; events wait for the tableState
	w          wire
	player     string
	node       string
	welcomes   int
	err        error
	welcomedCh chan struct{}
}

// call is a request waiting for its answer.
type call struct {
	req   Request
	seq   int64
	reply chan Message
}

// Dial connects and says hello, and returns once the first node has
// welcomed the player. A refused token is an *Error with code
// unauthorized; other failures are retried until ctx ends.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Addrs) == 0 {
		return nil, errors.New("client: no address")
	}
	c := &Client{
		cfg: cfg, msgs: make(chan Message, cfg.Buffer), stop: make(chan struct{}), done: make(chan struct{}),
		pending: map[int64]*call{}, last: map[int64]int64{}, syncing: map[int64]bool{}, welcomedCh: make(chan struct{}),
	}
	go c.run()
	select {
	case <-c.welcomedCh:
		return c, nil
	case <-c.done:
		c.Close()
		return nil, c.Err()
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

// Messages delivers every server message but pong, in order: welcome after
// each (re)connect, tableState, table events (without repeats; after a gap
// the client asks for a tableState and drops events until it comes),
// acks, errors and reconnects. It is closed when the client stops.
func (c *Client) Messages() <-chan Message { return c.msgs }

// Player is the player the server welcomed.
func (c *Client) Player() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.player
}

// Node is the node serving the client now ("" while disconnected).
func (c *Client) Node() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil {
		return ""
	}
	return c.node
}

// Reconnects counts the welcomes after the first.
func (c *Client) Reconnects() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(c.welcomes-1, 0)
}

// LastEvent is the last event number the client holds of table (0 when
// none).
func (c *Client) LastEvent(table int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last[table]
}

// Err is why the client stopped (nil while it runs or after Close).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Do sends req with the next seq and waits for its answer: the ack, the
// "tables" list or the "tableState", or an *Error for a refusal. A request
// in flight when the connection breaks is sent again, with the same seq,
// once the client is welcomed back.
func (c *Client) Do(ctx context.Context, req Request) (Message, error) {
	cl, err := c.start(req)
	if err != nil {
		return Message{}, err
	}
	select {
	case m := <-cl.reply:
		if m.Type == "error" {
			return m, &Error{Code: m.Code, Message: m.Message}
		}
		return m, nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, cl.seq)
		c.mu.Unlock()
		return Message{}, ctx.Err()
	case <-c.done:
		if err := c.Err(); err != nil {
			return Message{}, err
		}
		return Message{}, ErrClosed
	}
}

// start registers req under a new seq and sends it if connected.
func (c *Client) start(req Request) (*call, error) {
	c.mu.Lock()
	select {
	case <-c.done:
		c.mu.Unlock()
		return nil, ErrClosed
	default:
	}
	c.seq++
	cl := &call{req: req, seq: c.seq, reply: make(chan Message, 1)}
	c.pending[cl.seq] = cl
	w := c.w
	c.mu.Unlock()
	if w != nil {
		_ = w.write(req.encode(cl.seq)) // a failure is the reader's to notice; the call is resent
	}
	return cl, nil
}

// Close disconnects and stops the client. Messages is closed.
func (c *Client) Close() {
	c.mu.Lock()
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	w := c.w
	c.mu.Unlock()
	if w != nil {
		w.close()
	}
	<-c.done
}

// run connects, serves and reconnects until Close or a fatal refusal.
func (c *Client) run() {
	defer close(c.msgs)
	defer close(c.done)
	next, hint := 0, ""
	var backoff time.Duration
	var lost time.Time // when the last welcomed connection ended
	for {
		addr := hint
		if addr == "" {
			addr = c.cfg.Addrs[next%len(c.cfg.Addrs)]
			next++
		}
		hint = ""
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-c.stop:
			case <-ctx.Done():
			}
			cancel()
		}()
		w, err := dial(ctx, addr, c.cfg.DialTimeout)
		cancel()
		var end ending
		if err == nil {
			end = c.serve(w, addr)
			hint = end.hint
			if c.cfg.IgnoreHints {
				hint = ""
			}
			if end.fatal != nil {
				c.mu.Lock()
				c.err = end.fatal
				c.mu.Unlock()
				return
			}
			if !end.welcomed.IsZero() {
				backoff = 0
				lost = time.Now()
			}
		} else {
			c.cfg.Logger.Debug("client: dial failed", "addr", addr, "err", err)
		}
		var pause time.Duration
		pause, backoff = c.pauseAfter(end, lost, backoff)
		select {
		case <-c.stop:
			return
		case <-time.After(pause):
		}
	}
}

// pauseAfter is the pause before the next attempt after a connection
// ended with end (lost: when the last welcomed connection ended; backoff:
// the previous failure's), and the backoff to go on with.
func (c *Client) pauseAfter(end ending, lost time.Time, backoff time.Duration) (pause, next time.Duration) {
	switch {
	case end.retryGiven && (end.retry > 0 || !end.welcomed.IsZero()):
		// The server said when (retryMs 0: at once, as a leader that
		// stepped down behind haproxy says to the sessions it served once
		// haproxy should route to the new one). A retryMs of 0 answered to
		// the hello itself gets the backoff: no busy loop against a node
		// that turns every hello away at once.
		return end.retry, backoff
	case !end.welcomed.IsZero() && lost.Sub(end.welcomed) >= settled:
		// A connection that had served for a while broke: a leader
		// change, or haproxy cutting it at the switch, when it already
		// routes to the new leader. The first retry goes at once (a few
		// ms of jitter so that a table's players do not all arrive in the
		// same instant); if it fails, the backoff takes over.
		return rand.N(immediateJitter), backoff
	}
	next = min(max(2*backoff, c.cfg.MinBackoff), c.maxBackoff(lost))
	return next/2 + rand.N(next/2+1), next
}

const (
	// maxHelloHold is the longest a node holds a hello (docs/PROTOCOL.md:
	// a takeover holds them at most 10 s).
	maxHelloHold = 10 * time.Second
	// settled is how long a connection must have served for its loss to
	// be retried at once: a node that welcomes and drops every connection
	// meets the backoff, not a busy loop.
	settled = time.Second
	// immediateJitter spreads the players' immediate retries.
	immediateJitter = 5 * time.Millisecond
)

// ending is how one connection ended.
type ending struct {
	welcomed   time.Time     // when the server welcomed the player (zero: never)
	hint       string        // the address a reconnect hint names
	retry      time.Duration // the pause the server asked for
	retryGiven bool          // the server sent reconnect with retryMs
	fatal      error         // a refusal not worth retrying (a bad token)
}

// maxBackoff is the longest pause now: FastBackoff within FastRetry of
// losing a welcomed connection, MaxBackoff otherwise.
func (c *Client) maxBackoff(lost time.Time) time.Duration {
	if c.cfg.FastRetry > 0 && !lost.IsZero() && time.Since(lost) < c.cfg.FastRetry {
		return min(c.cfg.FastBackoff, c.cfg.MaxBackoff)
	}
	return c.cfg.MaxBackoff
}

// serve runs one connection: hello, welcome, resend of the calls in
// flight, then messages until it breaks, and says how it ended.
func (c *Client) serve(w wire, addr string) (end ending) {
	defer w.close()
	stopWatch := make(chan struct{})
	defer close(stopWatch)
	go func() {
		select {
		case <-c.stop:
			w.close()
		case <-stopWatch:
		}
	}()
	if err := w.write(c.hello()); err != nil {
		return end
	}
	// A node taking leadership over may hold a hello up to 10 s before it
	// answers, so the answer gets that much more than Silence.
	_ = w.setReadDeadline(time.Now().Add(c.cfg.Silence + maxHelloHold))
	b, err := w.read()
	if err != nil {
		return end
	}
	m, err := parse(b)
	if err != nil {
		return end
	}
	switch m.Type {
	case "welcome":
	case "reconnect":
		c.deliver(m)
		return reconnectEnding(end, addr, m)
	case "error":
		if m.Code == "unauthorized" {
			end.fatal = &Error{Code: m.Code, Message: m.Message}
		}
		return end
	default:
		return end
	}
	end.welcomed = time.Now()
	c.welcome(w, m)
	defer func() {
		c.mu.Lock()
		c.w = nil
		c.mu.Unlock()
	}()
	c.deliver(m)
	go c.ping(w, stopWatch)
	for {
		_ = w.setReadDeadline(time.Now().Add(c.cfg.Silence))
		b, err := w.read()
		if err != nil {
			return end
		}
		m, err := parse(b)
		if err != nil {
			c.cfg.Logger.Debug("client: bad server message", "err", err)
			continue
		}
		switch m.Type {
		case "pong":
			continue
		case "reconnect":
			c.deliver(m)
			return reconnectEnding(end, addr, m)
		}
		if c.track(w, m) {
			c.deliver(m)
		}
	}
}

// reconnectEnding is end after the server's reconnect m: where to go and
// when.
func reconnectEnding(end ending, addr string, m Message) ending {
	end.hint = hintAddr(addr, m)
	end.retry, end.retryGiven = time.Duration(m.RetryMs)*time.Millisecond, true
	return end
}

// hello is the hello message with the resume points of every table held.
func (c *Client) hello() []byte {
	type resume struct {
		Table int64 `json:"table"`
		Event int64 `json:"event"`
	}
	h := struct {
		Type   string   `json:"type"`
		Token  string   `json:"token"`
		Resume []resume `json:"resume,omitempty"`
	}{Type: "hello", Token: c.cfg.Token}
	c.mu.Lock()
	for t, e := range c.last {
		if !c.syncing[t] {
			h.Resume = append(h.Resume, resume{t, e})
		}
	}
	c.mu.Unlock()
	sort.Slice(h.Resume, func(i, j int) bool { return h.Resume[i].Table < h.Resume[j].Table })
	b, _ := json.Marshal(h)
	return b
}

// welcome makes w the connection in use and sends the calls in flight
// again, in seq order, with their seqs.
func (c *Client) welcome(w wire, m Message) {
	c.mu.Lock()
	c.w = w
	c.player, c.node = m.Player, m.Node
	c.welcomes++
	if c.welcomes == 1 {
		close(c.welcomedCh)
	}
	c.seq = max(c.seq, m.Seq)
	calls := make([]*call, 0, len(c.pending))
	for _, cl := range c.pending {
		calls = append(calls, cl)
	}
	clear(c.syncing) // the resume sends a tableState for tables not resumed
	c.mu.Unlock()
	sort.Slice(calls, func(i, j int) bool { return calls[i].seq < calls[j].seq })
	for _, cl := range calls {
		if w.write(cl.req.encode(cl.seq)) != nil {
			return
		}
	}
}

// track answers waiting calls and keeps the resume points. It reports
// whether m is delivered (repeats and events during a resync are not).
func (c *Client) track(w wire, m Message) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case "ack", "error", "tables", "tableState":
		if m.Seq != 0 {
			if cl := c.pending[m.Seq]; cl != nil && (m.Type != "tableState" || cl.req.Type() == "sync") {
				delete(c.pending, m.Seq)
				m.From = c.node
				cl.reply <- m
				if m.Type == "ack" && cl.req.Type() == "leaveTable" {
					delete(c.last, cl.req.Table())
					delete(c.syncing, cl.req.Table())
				}
			}
		}
		if m.Type == "tableState" {
			c.last[m.Table] = m.Event
			delete(c.syncing, m.Table)
		}
		return true
	}
	if !m.IsTableEvent() {
		return true
	}
	if c.syncing[m.Table] {
		return false
	}
	last, known := c.last[m.Table]
	switch {
	case known && m.Event <= last:
		return false // already held
	case known && m.Event > last+1:
		// A gap: ask for the table's state, drop events until it comes.
		c.syncing[m.Table] = true
		c.seq++
		seq := c.seq
		go func() { _ = w.write(Sync(m.Table).encode(seq)) }()
		return false
	}
	c.last[m.Table] = m.Event
	if m.Type == "tableClosed" {
		delete(c.last, m.Table)
	}
	return true
}

// deliver hands m to the consumer, waiting while Messages is full.
func (c *Client) deliver(m Message) {
	select {
	case c.msgs <- m:
	case <-c.stop:
	}
}

// ping keeps the connection alive until stop closes.
func (c *Client) ping(w wire, stop <-chan struct{}) {
	t := time.NewTicker(c.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if w.write([]byte(`{"type":"ping"}`)) != nil {
				return
			}
		}
	}
}

// hintAddr turns a reconnect hint into an address on the transport of
// addr; "" when the hint does not name one.
func hintAddr(addr string, m Message) string {
	switch {
	case strings.HasPrefix(addr, "tcp://") && m.TCP != "":
		return "tcp://" + m.TCP
	case strings.HasPrefix(addr, "ws://") && m.HTTP != "":
		return "ws://" + m.HTTP + "/ws"
	case strings.HasPrefix(addr, "wss://") && m.HTTP != "":
		return "wss://" + m.HTTP + "/ws"
	}
	return ""
}

// String describes the client for logs.
func (c *Client) String() string {
	return fmt.Sprintf("client(%s@%s)", c.Player(), c.Node())
}
