package raftnode

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// limitUnacked sets TCP_USER_TIMEOUT to unackedLimit on a raft connection
// (see unackedLimit). It has a net.Dialer.Control signature.
func limitUnacked(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, int(unackedLimit.Milliseconds()))
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("raftnode: set TCP_USER_TIMEOUT: %w", err)
	}
	return nil
}
