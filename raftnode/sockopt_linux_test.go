package raftnode

import (
	"net"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"golang.org/x/sys/unix"
)

// Both ends of a raft connection give up on data the other side's kernel
// does not acknowledge within unackedLimit (see stream.go).
func TestRaftConnectionsLimitUnackedData(t *testing.T) {
	peer, err := NewTCPStreamLayer("127.0.0.1:0", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := peer.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	s := newTestStream(t, nil)
	dialed, err := s.Dial(raft.ServerAddress(peer.Addr().String()), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer dialed.Close()
	in := <-accepted
	if in == nil {
		t.Fatal("the peer accepted nothing")
	}
	defer in.Close()
	for name, c := range map[string]net.Conn{"dialed": dialed.(*trackedConn).Conn, "accepted": in} {
		raw, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var got int
		var gerr error
		if err := raw.Control(func(fd uintptr) {
			got, gerr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT)
		}); err != nil || gerr != nil {
			t.Fatal(err, gerr)
		}
		if want := int(unackedLimit.Milliseconds()); got != want {
			t.Errorf("%s connection: TCP_USER_TIMEOUT %d ms, want %d", name, got, want)
		}
	}
}
