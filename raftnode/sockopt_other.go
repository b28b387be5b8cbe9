//go:build !linux

package raftnode

import "syscall"

// limitUnacked does nothing off Linux: there the transport's timeout
// alone ends an RPC to a peer that answers nothing (see unackedLimit).
func limitUnacked(_, _ string, _ syscall.RawConn) error { return nil }
