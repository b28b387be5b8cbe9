package raftnode

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/raft"
)

// StreamLayer is the connection layer under the Raft transport: a listener
// for the connections peers open to this node plus a dialer for the ones it
// opens to them. Addr must return the address peers dial (the advertised
// one). It mirrors raft.StreamLayer with plain strings, so implementations
// (TLS, fault injection) need not import raft.
type StreamLayer interface {
	net.Listener
	// Dial opens a connection to a peer's advertised address within
	// timeout.
	Dial(addr string, timeout time.Duration) (net.Conn, error)
}

// tcpLayer is the default StreamLayer: TCP, optionally TLS.
type tcpLayer struct {
	net.Listener
	advertise net.Addr
	tls       *tls.Config
}

// NewTCPStreamLayer listens on bind and advertises advertise (bind when
// empty). With tlsConf it accepts and dials TLS only; see Config.TLS.
func NewTCPStreamLayer(bind, advertise string, tlsConf *tls.Config) (StreamLayer, error) {
	if advertise == "" {
		advertise = bind
	}
	adv, err := net.ResolveTCPAddr("tcp", advertise)
	if err != nil {
		return nil, fmt.Errorf("raftnode: advertise address %q: %w", advertise, err)
	}
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("raftnode: listen on %q: %w", bind, err)
	}
	if adv.Port == 0 {
		// Listening on port 0 (tests): advertise the port the kernel chose.
		adv.Port = ln.Addr().(*net.TCPAddr).Port
	}
	return &tcpLayer{Listener: ln, advertise: adv, tls: tlsConf}, nil
}

// handshakeTimeout bounds an inbound TLS handshake: a peer that connects
// and sends nothing, or drips bytes, is dropped instead of holding a raft
// goroutine forever (raft sets no deadline on inbound connections).
const handshakeTimeout = 10 * time.Second

// Accept returns the next inbound connection; with TLS, one whose
// handshake (a certificate of the CA required) runs, bounded, on its
// first read or write.
func (l *tcpLayer) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		if raw, err := tc.SyscallConn(); err == nil {
			_ = limitUnacked("tcp", "", raw) // best effort: without it the transport's timeout still ends a stuck RPC
		}
	}
	if l.tls == nil {
		return c, nil
	}
	return &serverConn{Conn: tls.Server(c, l.tls)}, nil
}

// serverConn runs its TLS handshake within handshakeTimeout before the
// first read or write; a failed handshake fails every call.
type serverConn struct {
	*tls.Conn
	once sync.Once
	err  error
}

func (c *serverConn) handshake() error {
	c.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
		defer cancel()
		c.err = c.Conn.HandshakeContext(ctx)
	})
	return c.err
}

func (c *serverConn) Read(b []byte) (int, error) {
	if err := c.handshake(); err != nil {
		return 0, err
	}
	return c.Conn.Read(b)
}

func (c *serverConn) Write(b []byte) (int, error) {
	if err := c.handshake(); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}

// Addr returns the advertised address, which is what raft tells peers.
func (l *tcpLayer) Addr() net.Addr { return l.advertise }

// Dial opens a TCP (or TLS) connection to addr.
func (l *tcpLayer) Dial(addr string, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout, Control: limitUnacked}
	if l.tls == nil {
		return d.Dial("tcp", addr)
	}
	conf := l.tls
	if conf.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		conf = conf.Clone()
		conf.ServerName = host
	}
	return tls.DialWithDialer(d, "tcp", addr, conf)
}

// raftStream adapts a StreamLayer to raft.StreamLayer and keeps track of
// every open connection. raft's NetworkTransport closes neither its
// pooled outbound connections nor the inbound ones when it closes, which
// would leave their goroutines (here and at the peers) blocked in reads;
// closeAll ends them when the node stops.
//
// It also makes a dial use its whole timeout against a peer that is not
// there (see Dial).
type raftStream struct {
	StreamLayer

	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	closed bool

	// stop ends dials' retries: closed when the node stops, before raft
	// shuts down (raft waits for its replication goroutines).
	stop     chan struct{}
	stopOnce sync.Once
}

func newRaftStream(l StreamLayer) *raftStream {
	return &raftStream{StreamLayer: l, conns: make(map[*trackedConn]struct{}), stop: make(chan struct{})}
}

// dialRetry is the pause between two attempts to reach a peer that is
// not there.
const dialRetry = 25 * time.Millisecond

// A peer behind a network partition answers nothing at all: a connection
// attempt waits for the kernel's SYN retries (1 s, then 3 s, then 7 s
// after it began) and an RPC on an open connection for the transport's
// 10 s timeout or the next retransmission after the network is back,
// which the kernel spaces out the longer the partition lasted. Until
// then the leader does not reach the returning node, and one more fault
// on the other follower in that time leaves it without a quorum: in
// `tablebench chaos --faults partition` a leader stepped down 1.5 s after
// a follower's partition healed, never having heard from it, when the
// other follower was cut off. So a connection attempt gets dialAttempt
// and is made again, and on an open connection data the peer's kernel
// has not acknowledged for unackedLimit ends it (TCP_USER_TIMEOUT on
// Linux): the RPC fails, raft retries on a new connection. A slow or
// stopped peer process does not trip either: its kernel still answers
// the handshake and acknowledges what arrives.
const (
	dialAttempt  = 500 * time.Millisecond
	unackedLimit = time.Second
)

func (s *raftStream) Accept() (net.Conn, error) {
	c, err := s.StreamLayer.Accept()
	if err != nil {
		return nil, err
	}
	return s.track(c), nil
}

// Dial connects to a peer within timeout. A peer that is not there (its
// process down: connection refused; its host or network unreachable) is
// tried again every dialRetry until the timeout, not given up at once.
// Why: hashicorp/raft backs a follower's replication off after every
// failed attempt, 10 ms doubling to 10 s with no cap, and does not wake
// up when the follower answers heartbeats again. Against a stopped
// process an attempt fails in microseconds, so a follower down for 3 s
// collected enough failures that the leader sent it nothing for seconds
// after it was back; if the other follower failed in that window, no
// command could commit (measured: `tablebench chaos --faults
// kill-follower` stalled all play for 4-17 s after follower kills one at
// a time). Spending the timeout keeps the count of failures to one per
// timeout, and the retry reaches the follower within dialRetry of its
// return.
func (s *raftStream) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	deadline := time.Now().Add(timeout)
	for {
		c, err := s.StreamLayer.Dial(string(addr), min(time.Until(deadline), dialAttempt))
		if err == nil {
			return s.track(c), nil
		}
		if !peerAbsent(err) || time.Until(deadline) < dialRetry {
			return nil, err
		}
		select {
		case <-s.stop:
			return nil, err
		case <-time.After(dialRetry):
		}
	}
}

// peerAbsent reports whether a dial failed because nobody is there to
// answer, or nobody answered within the attempt (rather than, say, a TLS
// handshake refused).
func peerAbsent(err error) bool {
	var ne net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, errFaultCut) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// stopRetrying makes every dial, under way or later, give up at its next
// failed attempt.
func (s *raftStream) stopRetrying() {
	s.stopOnce.Do(func() { close(s.stop) })
}

// track registers c, or closes it when the node is already stopping.
func (s *raftStream) track(c net.Conn) net.Conn {
	t := &trackedConn{Conn: c, s: s}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.conns[t] = struct{}{}
	}
	s.mu.Unlock()
	if closed {
		c.Close()
	}
	return t
}

// closeAll closes the listener and every tracked connection, and closes
// any connection opened later.
func (s *raftStream) closeAll() {
	s.stopRetrying()
	s.mu.Lock()
	s.closed = true
	conns := make([]*trackedConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.StreamLayer.Close()
	for _, c := range conns {
		c.Close()
	}
}

// trackedConn removes itself from its raftStream when closed.
type trackedConn struct {
	net.Conn
	s    *raftStream
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := net.ErrClosed
	c.once.Do(func() {
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
		err = c.Conn.Close()
	})
	return err
}
