package raftnode

import (
	"errors"
	"net"
	"sync"
	"time"
)

// Fault is what a FaultLayer does to the connections it dials to a peer.
type Fault int

const (
	// FaultNone lets traffic through.
	FaultNone Fault = iota
	// FaultCut refuses new dials and closes open connections: the peer
	// looks down, and RPCs to it fail at once.
	FaultCut
	// FaultDrop black-holes traffic: writes succeed and vanish, nothing
	// is read, and RPCs fail only when the transport's I/O deadline
	// expires, as behind a silent firewall. Healing closes the affected
	// connections, since their byte streams are no longer whole.
	FaultDrop
)

// errFaultCut is what a cut connection reports.
var errFaultCut = errors.New("raftnode: connection cut by fault injection")

// FaultLayer wraps a StreamLayer and injects faults into the connections
// this node dials, chosen per peer address. Raft sends every RPC, replies
// included, over connections the caller dialed, so setting a fault for B
// on A's layer silences A->B RPCs; a symmetric partition sets it on both
// sides, a one-way partition on one. It is safe for concurrent use.
type FaultLayer struct {
	StreamLayer

	mu     sync.RWMutex
	faults map[string]Fault
	conns  map[*faultConn]struct{}
}

// NewFaultLayer wraps inner, initially without faults.
func NewFaultLayer(inner StreamLayer) *FaultLayer {
	return &FaultLayer{
		StreamLayer: inner,
		faults:      make(map[string]Fault),
		conns:       make(map[*faultConn]struct{}),
	}
}

// Set applies fault to the connections to each of addrs (peers'
// advertised addresses). FaultCut closes the open ones at once.
func (f *FaultLayer) Set(fault Fault, addrs ...string) {
	var toClose []*faultConn
	f.mu.Lock()
	for _, a := range addrs {
		prev := f.faults[a]
		if fault == FaultNone {
			delete(f.faults, a)
		} else {
			f.faults[a] = fault
		}
		if fault == FaultCut || (prev == FaultDrop && fault != FaultDrop) {
			toClose = append(toClose, f.connsTo(a)...)
		}
	}
	f.mu.Unlock()
	for _, c := range toClose {
		c.Close()
	}
}

// Heal removes the faults on addrs, or on every peer when addrs is empty.
func (f *FaultLayer) Heal(addrs ...string) {
	if len(addrs) == 0 {
		f.mu.RLock()
		for a := range f.faults {
			addrs = append(addrs, a)
		}
		f.mu.RUnlock()
	}
	f.Set(FaultNone, addrs...)
}

// Fault reports the fault set for addr.
func (f *FaultLayer) Fault(addr string) Fault {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.faults[addr]
}

// connsTo lists the open connections to addr; f.mu must be held.
func (f *FaultLayer) connsTo(addr string) []*faultConn {
	var out []*faultConn
	for c := range f.conns {
		if c.addr == addr {
			out = append(out, c)
		}
	}
	return out
}

// Dial refuses a cut peer and otherwise dials through the inner layer,
// wrapping the connection so later faults reach it.
func (f *FaultLayer) Dial(addr string, timeout time.Duration) (net.Conn, error) {
	if f.Fault(addr) == FaultCut {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errFaultCut}
	}
	conn, err := f.StreamLayer.Dial(addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &faultConn{Conn: conn, layer: f, addr: addr}
	f.mu.Lock()
	f.conns[c] = struct{}{}
	f.mu.Unlock()
	return c, nil
}

// faultConn is a dialed connection that consults its layer on every read
// and write.
type faultConn struct {
	net.Conn
	layer *FaultLayer
	addr  string
	once  sync.Once
}

func (c *faultConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		switch c.layer.Fault(c.addr) {
		case FaultCut:
			c.Close()
			return 0, errFaultCut
		case FaultDrop:
			if err != nil {
				return 0, err // deadline or close: the caller's way out
			}
			continue // discard what arrived and wait for more
		}
		return n, err
	}
}

func (c *faultConn) Write(p []byte) (int, error) {
	switch c.layer.Fault(c.addr) {
	case FaultCut:
		c.Close()
		return 0, errFaultCut
	case FaultDrop:
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *faultConn) Close() error {
	err := net.ErrClosed
	c.once.Do(func() {
		c.layer.mu.Lock()
		delete(c.layer.conns, c)
		c.layer.mu.Unlock()
		err = c.Conn.Close()
	})
	return err
}
