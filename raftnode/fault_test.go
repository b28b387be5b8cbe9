package raftnode

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// echoPeer starts a stream layer that echoes every connection back and
// returns its address.
func echoPeer(t *testing.T) string {
	t.Helper()
	l, err := NewTCPStreamLayer("127.0.0.1:0", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().String()
}

// mustEcho checks that c carries a round trip.
func mustEcho(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatalf("write: %v", err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v; want ping", buf, err)
	}
}

func mustDial(t *testing.T, f *FaultLayer, addr string) net.Conn {
	t.Helper()
	c, err := f.Dial(addr, time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newFaultLayer(t *testing.T) *FaultLayer {
	t.Helper()
	inner, err := NewTCPStreamLayer("127.0.0.1:0", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFaultLayer(inner)
	t.Cleanup(func() { f.Close() })
	return f
}

func TestFaultCutRefusesAndCloses(t *testing.T) {
	peer := echoPeer(t)
	f := newFaultLayer(t)
	c := mustDial(t, f, peer)
	mustEcho(t, c)

	f.Set(FaultCut, peer)
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("read on a cut connection succeeded")
	}
	if _, err := f.Dial(peer, time.Second); !errors.Is(err, errFaultCut) {
		t.Errorf("dial while cut: %v, want the cut error", err)
	}
	mustEcho(t, mustDial(t, f, echoPeer(t))) // other peers are unaffected

	f.Heal()
	if got := f.Fault(peer); got != FaultNone {
		t.Errorf("fault after Heal = %v", got)
	}
	mustEcho(t, mustDial(t, f, peer))
}

func TestFaultDropBlackHolesUntilHealed(t *testing.T) {
	peer := echoPeer(t)
	f := newFaultLayer(t)
	c := mustDial(t, f, peer)
	mustEcho(t, c)

	f.Set(FaultDrop, peer)
	if n, err := c.Write([]byte("lost")); n != 4 || err != nil {
		t.Fatalf("write while dropping = %d, %v; want silent success", n, err)
	}
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var ne net.Error
	if _, err := c.Read(make([]byte, 4)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read while dropping: %v, want a timeout", err)
	}
	dropped := mustDial(t, f, peer) // dials succeed into the black hole
	dropped.Write([]byte("ping"))
	dropped.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := dropped.Read(make([]byte, 4)); err == nil {
		t.Error("a new connection read through the black hole")
	}

	f.Heal(peer)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 4)); err == nil {
		t.Error("a connection that lost bytes survived healing")
	}
	mustEcho(t, mustDial(t, f, peer))
}
