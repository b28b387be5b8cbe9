package raftnode

import (
	"crypto/tls"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// newTestStream is the node's dialing layer over plain TCP.
func newTestStream(t *testing.T, tlsConf *tls.Config) *raftStream {
	t.Helper()
	l, err := NewTCPStreamLayer("127.0.0.1:0", "", tlsConf)
	if err != nil {
		t.Fatal(err)
	}
	s := newRaftStream(l)
	t.Cleanup(s.closeAll)
	return s
}

type dialResult struct {
	conn net.Conn
	err  error
}

func dialAsync(s *raftStream, addr string, timeout time.Duration) <-chan dialResult {
	done := make(chan dialResult, 1)
	go func() {
		c, err := s.Dial(raft.ServerAddress(addr), timeout)
		done <- dialResult{c, err}
	}()
	return done
}

// A peer whose process is down refuses the connection; the dial keeps
// trying within its timeout and reaches the peer once it listens again
// (raft counts one failure per failed dial and backs off on it).
func TestDialWaitsForAPeerThatComesBack(t *testing.T) {
	s := newTestStream(t, nil)
	addr := freePort(t)
	done := dialAsync(s, addr, time.Minute)

	time.Sleep(10 * dialRetry) // several refused attempts
	select {
	case r := <-done:
		t.Fatalf("dial ended while the peer was down: %v", r.err)
	default:
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := <-done
	if r.err != nil {
		t.Fatalf("dial after the peer came back: %v", r.err)
	}
	r.conn.Close()
}

func TestDialGivesUpWhenTheNodeStops(t *testing.T) {
	s := newTestStream(t, nil)
	done := dialAsync(s, freePort(t), time.Hour)
	time.Sleep(4 * dialRetry)
	s.stopRetrying()
	select {
	case r := <-done:
		if r.err == nil {
			t.Fatal("dial to nobody succeeded")
		}
	case <-time.After(time.Minute):
		t.Fatal("dial still retrying after stopRetrying")
	}
}

func TestDialGivesUpWithinItsTimeout(t *testing.T) {
	s := newTestStream(t, nil)
	r := <-dialAsync(s, freePort(t), 3*dialRetry)
	if r.err == nil {
		t.Fatal("dial to nobody succeeded")
	}
}

// A peer that is there but fails the handshake (here: it speaks no TLS
// and hangs up) is not a peer that is down: one attempt, no retries.
func TestDialDoesNotRetryAFailedHandshake(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	s := newTestStream(t, testMTLS(t))
	r := <-dialAsync(s, l.Addr().String(), time.Minute)
	if r.err == nil {
		t.Fatal("TLS dial to a plain socket that hangs up succeeded")
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("%d connections for one dial, want 1", n)
	}
}

// silentLayer is a peer that answers no connection attempt for its first
// silent dials (each ends in a timeout, as against a partition), then is
// there. It records the time each attempt was given.
type silentLayer struct {
	StreamLayer // only Dial is used
	silent      int
	mu          sync.Mutex
	attempts    []time.Duration
}

func (l *silentLayer) Dial(addr string, timeout time.Duration) (net.Conn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts = append(l.attempts, timeout)
	if len(l.attempts) <= l.silent {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}
	}
	c, _ := net.Pipe()
	return c, nil
}

// A connection attempt nobody answers gets dialAttempt, not the whole
// timeout, and is made again: a peer back from a partition is reached
// within an attempt, not at the kernel's next SYN retry seconds later.
func TestDialRetriesAnAttemptNobodyAnswers(t *testing.T) {
	l := &silentLayer{silent: 2}
	s := newRaftStream(l)
	c, err := s.Dial("peer:7000", time.Minute)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.Close()
	if len(l.attempts) != 3 {
		t.Fatalf("%d attempts, want 3 (two unanswered, then the peer)", len(l.attempts))
	}
	for i, d := range l.attempts {
		if d > dialAttempt {
			t.Errorf("attempt %d was given %v, want at most %v", i+1, d, dialAttempt)
		}
	}
}
