// Package session is the player border's session layer, shared by the
// WebSocket and the TCP listeners: authentication (hello with a signed
// token), resume, the lobby, game commands through Propose with the
// player's seq, and the limits (message size, rate, a bounded send queue
// per connection). JSON stops here: messages are decoded by the codec and
// everything past this package is typed.
//
// Only the leader serves players. Lead runs as a leader duty: while it
// runs, hellos are welcomed; when leadership ends every session is told to
// reconnect and closed. A node that does not lead answers hello with
// reconnect and the leader's published addresses, unless a planned
// transfer to it is under way (ExpectLead): then the hello waits until
// it leads.
package session

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"tableraft/fsm"
	"tableraft/transport/auth"
	"tableraft/transport/codec"
	"tableraft/transport/hub"
)

// Node is what the session layer needs of the Raft node.
type Node interface {
	// ProposeCommand stamps, proposes and waits for cmd (raftnode).
	ProposeCommand(ctx context.Context, cmd fsm.Command) (*fsm.Applied, error)
	// Leader names the leader this node knows of ("" when none).
	Leader() (id, addr string)
}

// Limits bound what one connection may cost.
type Limits struct {
	// HelloTimeout is how long a new connection has to send hello.
	HelloTimeout time.Duration
	// IdleTimeout closes a connection that sends nothing (not even ping)
	// for this long.
	IdleTimeout time.Duration
	// WriteTimeout bounds one write to the client.
	WriteTimeout time.Duration
	// QueueMessages and QueueBytes bound the send queue; a client that
	// falls further behind is dropped.
	QueueMessages int
	QueueBytes    int
	// Rate and Burst are the messages per second a client may send
	// (golang.org/x/time/rate); faster ones get rateLimited.
	Rate  float64
	Burst int
	// StrikeRate and StrikeBurst bound refused messages (badMessage,
	// rateLimited, too long): past them the connection is closed.
	StrikeRate  float64
	StrikeBurst int
	// ProposeTimeout bounds one command's trip through Raft.
	ProposeTimeout time.Duration
	// RetryMs is the pause a reconnect message asks for. Short (50 ms,
	// haproxy's check interval): a client that comes back before haproxy
	// has switched meets this node again and costs one cheap refusal,
	// while a long pause would be dead time for every player.
	RetryMs int64
	// HandOverHold is how long a session that came through a trusted
	// proxy stays open, silent, after this node stopped leading, before it
	// is told to reconnect (with no pause). haproxy cuts the sessions of
	// a server the moment it marks it down (on-marked-down
	// shutdown-sessions), and that moment is when its players should come
	// back: earlier they meet this node again and wait RetryMs. 0: tell
	// every session at once.
	HandOverHold time.Duration
}

// DefaultLimits are what tableraftd serves with.
var DefaultLimits = Limits{
	HelloTimeout:   10 * time.Second,
	IdleTimeout:    90 * time.Second,
	WriteTimeout:   10 * time.Second,
	QueueMessages:  1024,
	QueueBytes:     1 << 20,
	Rate:           50,
	Burst:          100,
	StrikeRate:     20,
	StrikeBurst:    1000,
	ProposeTimeout: 5 * time.Second,
	RetryMs:        50,
	HandOverHold:   200 * time.Millisecond,
}

// Config wires a Server.
type Config struct {
	// NodeID names this node in welcome.
	NodeID string
	Node   Node
	FSM    *fsm.FSM
	Hub    *hub.Hub
	Keys   *auth.Keys
	Limits Limits
	Logger *slog.Logger
	// Observer, when not nil, is told of refusals and command latencies
	// (the node's metrics).
	Observer Observer
}

// Observer watches what the session layer answers. Its methods must be
// cheap and safe for concurrent use.
type Observer interface {
	// Refused is called for every error answered to a client.
	Refused(code string)
	// Proposed is called after every command proposed through Raft; err
	// is set when the outcome is unknown.
	Proposed(op fsm.Op, took time.Duration, err error)
}

// Server runs the sessions of one node.
type Server struct {
	cfg Config
	lim Limits
	log *slog.Logger

	mu       sync.Mutex
	lead     *term                 // while this node serves players
	sessions map[*session]struct{} // every open connection
	closed   bool
	takeover *takeover // while a planned transfer to this node runs
}

// takeover is a planned transfer of leadership to this node (ExpectLead):
// until it ends, a hello waits for Lead instead of being turned away.
type takeover struct {
	ended chan struct{} // closed when Lead begins or the takeover ends
	timer *time.Timer
}

// term is one stretch of serving players (one leadership).
type term struct {
	ctx      context.Context
	sessions map[*session]struct{}
}

// New returns a Server that serves nobody until Lead runs.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	return &Server{cfg: cfg, lim: cfg.Limits, log: cfg.Logger, sessions: map[*session]struct{}{}}
}

// Lead serves players until ctx ends, then tells every session to
// reconnect and closes it. It is a leader duty: run it once the node
// leads and its FSM has applied everything committed before.
func (s *Server) Lead(ctx context.Context) {
	t := &term{ctx: ctx, sessions: map[*session]struct{}{}}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.lead = t
	s.endTakeoverLocked()
	s.mu.Unlock()
	s.log.Info("serving players")
	<-ctx.Done()
	s.mu.Lock()
	if s.lead == t {
		s.lead = nil
	}
	sessions := t.sessions
	t.sessions = nil
	s.mu.Unlock()
	hint := s.hint()
	held := 0
	for sess := range sessions {
		if sess.viaProxy && s.lim.HandOverHold > 0 {
			sess.handOver(codec.ReasonLeaderChanged, hint, s.lim.HandOverHold)
			held++
			continue
		}
		sess.reconnect(codec.ReasonLeaderChanged, hint)
	}
	s.log.Info("stopped serving players", "sessions", len(sessions), "held for the proxy", held)
}

// ExpectLead prepares this node for a planned transfer of leadership to
// it: for up to hold, or until Lead begins, a hello waits here instead of
// being answered with reconnect. The operator's tool calls it (through the
// admin API) before it switches the proxy, so the players cut from the old
// leader connect and authenticate while Raft moves the leadership, and
// are served the moment this node leads. hold 0 ends a takeover (the
// transfer failed): the waiting hellos are answered with reconnect
// naming the leader. A later call sets a new hold for the same takeover.
func (s *Server) ExpectLead(hold time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if hold <= 0 || s.closed || s.lead != nil {
		s.endTakeoverLocked()
		return
	}
	if s.takeover != nil && s.takeover.timer.Reset(hold) {
		return // still holding: the held hellos wait on
	}
	s.endTakeoverLocked()
	tk := &takeover{ended: make(chan struct{})}
	tk.timer = time.AfterFunc(hold, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.takeover == tk {
			s.log.Warn("planned takeover expired before this node served players", "hold", hold)
			s.endTakeoverLocked()
		}
	})
	s.takeover = tk
	s.log.Info("expecting leadership: holding players' hellos", "hold", hold)
}

// ExpectingLead reports whether a planned takeover holds hellos here
// (ExpectLead).
func (s *Server) ExpectingLead() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.takeover != nil
}

// endTakeoverLocked releases the hellos a takeover holds; s.mu is held.
func (s *Server) endTakeoverLocked() {
	if s.takeover == nil {
		return
	}
	s.takeover.timer.Stop()
	close(s.takeover.ended)
	s.takeover = nil
}

// takeoverEnded returns a channel closed when the current takeover ends,
// nil without one.
func (s *Server) takeoverEnded() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.takeover == nil {
		return nil
	}
	return s.takeover.ended
}

// refused tells the observer of an error answered with code.
func (s *Server) refused(code string) {
	if s.cfg.Observer != nil {
		s.cfg.Observer.Refused(code)
	}
}

// proposed tells the observer of a proposal's latency.
func (s *Server) proposed(op fsm.Op, took time.Duration, err error) {
	if s.cfg.Observer != nil {
		s.cfg.Observer.Proposed(op, took, err)
	}
}

// Serving reports whether this node serves players now.
func (s *Server) Serving() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lead != nil
}

// AwaitHandedOver waits, after this node's leadership ended, until every
// connection has closed (the sessions held for the proxy are cut by it
// when it switches, or told to reconnect after HandOverHold), for at
// most HandOverHold and a little more, or until ctx ends. A node that
// handed leadership over calls it before it exits: its exit would cut the
// held sessions before the proxy has switched, and a player who came back
// at once would be sent to the dead node and wait for the proxy's
// connect retry.
func (s *Server) AwaitHandedOver(ctx context.Context) {
	deadline := time.NewTimer(s.lim.HandOverHold + 50*time.Millisecond)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for s.Sessions() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-tick.C:
		}
	}
}

// Sessions returns the number of open connections.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Close tells every session to reconnect (the node is stopping), closes
// them and refuses new ones.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.lead = nil
	s.endTakeoverLocked()
	all := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		all = append(all, sess)
	}
	s.mu.Unlock()
	hint := s.hint()
	for _, sess := range all {
		sess.reconnect(codec.ReasonShutdown, hint)
	}
}

// admit registers a new connection; false when the server is closed.
func (s *Server) admit(sess *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sessions[sess] = struct{}{}
	return true
}

// enlist puts an authenticated session into the current term and returns
// the term's context; false when this node does not serve players.
func (s *Server) enlist(sess *session) (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lead == nil || s.lead.ctx.Err() != nil {
		return nil, false
	}
	s.lead.sessions[sess] = struct{}{}
	return s.lead.ctx, true
}

// leave forgets a closed session.
func (s *Server) leave(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess)
	if s.lead != nil {
		delete(s.lead.sessions, sess)
	}
}

// hint names where the leader serves, from the addresses every node
// publishes in the replicated state.
func (s *Server) hint() codec.Hint {
	id, _ := s.cfg.Node.Leader()
	if id == "" {
		return codec.Hint{}
	}
	h := codec.Hint{Leader: id}
	if n, ok := s.cfg.FSM.Node(id); ok {
		h.HTTP, h.TCP = n.HTTP, n.TCP
	}
	return h
}
