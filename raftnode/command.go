package raftnode

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"tableraft/fsm"
)

// ProposeCommand stamps cmd with what only the leader may decide (its
// clock, and for commands that may start a deal a seed from the CSPRNG
// and a random first dealer), proposes it and returns the FSM's answer.
// Fields already set are kept, so a retry proposes the same command. The
// errors are Propose's; a refusal by the FSM is in Applied.Err.
func (n *Node) ProposeCommand(ctx context.Context, cmd fsm.Command) (*fsm.Applied, error) {
	stamp(&cmd)
	data, err := cmd.Encode()
	if err != nil {
		return nil, fmt.Errorf("propose %s: %w", cmd.Op, err)
	}
	res, err := n.Propose(ctx, data)
	if err != nil {
		return nil, err
	}
	applied, ok := res.(*fsm.Applied)
	if !ok {
		return nil, fmt.Errorf("propose %s: the FSM answered %T", cmd.Op, res)
	}
	return applied, nil
}

// stamp fills the leader-decided fields of cmd that are still zero.
func stamp(cmd *fsm.Command) {
	if cmd.Now == 0 {
		cmd.Now = time.Now().UnixMilli()
	}
	switch cmd.Op {
	case fsm.OpCreateTable, fsm.OpJoinTable, fsm.OpStartDeal:
		if cmd.Seed == ([32]byte{}) {
			cmd.Seed = NewSeed()
		}
		if cmd.Op == fsm.OpCreateTable && cmd.FirstDealer == 0 {
			cmd.FirstDealer = mrand.IntN(4)
		}
	}
}

// NewSeed draws a deal seed from the operating system's CSPRNG.
func NewSeed() [32]byte {
	var s [32]byte
	_, _ = rand.Read(s[:]) // crypto/rand.Read never fails on Linux
	return s
}
