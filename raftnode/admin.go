package raftnode

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
)

// TransferLeadership hands leadership from this node, which must be the
// leader, to the voter toID, or to the most up-to-date voter when toID is
// empty. It returns once this node has stepped down; the target then wins
// the election it was told to start (within the election timeout). Naming
// this node is a no-op. While the transfer runs, Propose on this node
// fails with a *NotLeaderError without a leader (nothing appended).
// Errors: *NotLeaderError, ErrUnknownServer, ErrTransferFailed (the target
// did not catch up or answer in time; this node may still lead),
// ErrShutdown, or ctx's error.
func (n *Node) TransferLeadership(ctx context.Context, toID string) error {
	const op = "transfer leadership"
	if err := n.stopped(op); err != nil {
		return err
	}
	if !n.IsLeader() {
		return fmt.Errorf("%s: %w", op, n.notLeader())
	}
	if toID == n.cfg.ID {
		return nil
	}
	var target Server
	if toID != "" {
		s, ok := n.server(toID)
		if !ok {
			return fmt.Errorf("%s to %q: %w", op, toID, ErrUnknownServer)
		}
		target = s
	}
	n.transfers.Add(1)
	var f raft.Future
	if toID == "" {
		f = n.raft.LeadershipTransfer()
	} else {
		f = n.raft.LeadershipTransferToServer(raft.ServerID(target.ID), raft.ServerAddress(target.Addr))
	}
	start := n.raft.CurrentTerm()
	// Transferring stays true until Raft has settled the transfer, also
	// when ctx ends first.
	err, ctxErr := waitFuture(ctx, onSettled{f, func() { n.transfers.Add(-1) }})
	switch {
	case ctxErr != nil:
		return fmt.Errorf("%s: %w", op, ctxErr)
	case err == nil:
		n.log.Info("leadership transferred", "to", toID, "term", start)
		return nil
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrRaftShutdown):
		return n.translate(op, err, false)
	default:
		// Raft reports the other failures as plain text ("leadership
		// transfer timeout", "cannot find peer", a failed TimeoutNow RPC,
		// a transfer already in progress).
		return fmt.Errorf("%s: %w: %v", op, ErrTransferFailed, err)
	}
}

// onSettled is a future that runs after once its answer is in (its
// Error is called once, as waitFuture does).
type onSettled struct {
	raft.Future
	after func()
}

func (f onSettled) Error() error {
	err := f.Future.Error()
	f.after()
	return err
}

// Transferring reports whether this node is handing its leadership to
// another voter right now (TransferLeadership, or the hand-over of a
// leader still replaying its log): it takes no new commands, and players
// should be sent to the target, not here.
func (n *Node) Transferring() bool { return n.transfers.Load() > 0 }

// AddVoter adds the server id at addr (its advertised Raft address) to
// the group as a voter, or updates its address; only on the leader. It
// returns once the new membership is committed; the new server then
// catches up from a snapshot and the log. The leader accepts one
// membership change at a time: a second one waits for the first.
// Errors: *NotLeaderError, ErrTimeout, ErrOutcomeUnknown, ErrShutdown.
func (n *Node) AddVoter(ctx context.Context, id, addr string) error {
	if id == "" || addr == "" {
		return fmt.Errorf("add voter: an ID and an address are required")
	}
	if err := n.stopped("add voter " + id); err != nil {
		return err
	}
	f := n.raft.AddVoter(raft.ServerID(id), raft.ServerAddress(addr), 0, n.timeoutFor(ctx))
	return n.waitChange(ctx, "add voter "+id, f)
}

// RemoveServer removes the server id from the group; only on the leader.
// Removing the leader itself makes it step down once the change commits.
// Errors: *NotLeaderError, ErrUnknownServer, ErrTimeout,
// ErrOutcomeUnknown, ErrShutdown.
func (n *Node) RemoveServer(ctx context.Context, id string) error {
	op := "remove server " + id
	if err := n.stopped(op); err != nil {
		return err
	}
	if !n.IsLeader() {
		return fmt.Errorf("%s: %w", op, n.notLeader())
	}
	if _, ok := n.server(id); !ok {
		return fmt.Errorf("%s: %w", op, ErrUnknownServer)
	}
	f := n.raft.RemoveServer(raft.ServerID(id), 0, n.timeoutFor(ctx))
	return n.waitChange(ctx, op, f)
}

// waitChange waits for a membership change and translates its error.
func (n *Node) waitChange(ctx context.Context, op string, f raft.Future) error {
	err, ctxErr := waitFuture(ctx, f)
	if ctxErr != nil {
		return fmt.Errorf("%s: %w: %w", op, ErrOutcomeUnknown, ctxErr)
	}
	if err != nil {
		return n.translate(op, err, true)
	}
	n.log.Info("membership changed", "op", op)
	return nil
}

// server finds id in the latest membership.
func (n *Node) server(id string) (Server, bool) {
	for _, s := range n.servers() {
		if s.ID == id {
			return s, true
		}
	}
	return Server{}, false
}

// Snapshot makes raft take a snapshot now and compact the log behind it
// (keeping TrailingLogs entries). Raft does this by itself every
// SnapshotThreshold entries; this is for operators and tests. Errors:
// ErrNothingToSnapshot (nothing applied yet), ErrShutdown.
func (n *Node) Snapshot() error {
	return n.translate("snapshot", n.raft.Snapshot().Error(), false)
}
