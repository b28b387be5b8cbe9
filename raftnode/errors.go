package raftnode

import (
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
)

// The errors a Node returns. Each is matched with errors.Is; the returned
// error usually wraps one of these with more detail. What matters to a
// caller is whether the entry may have been appended to the log:
// ErrNotLeader, ErrTimeout and ErrShutdown (alone) mean it was not, so a
// retry cannot apply the command twice; ErrOutcomeUnknown means it may
// have been, so a retry must carry the same dedup key (player, seq).
var (
	// ErrNotLeader: the operation needs the leader and this node is not
	// it, or is handing leadership over. The returned error is a
	// *NotLeaderError that names the leader when one is known. Nothing
	// was appended.
	ErrNotLeader = errors.New("raftnode: not the leader")
	// ErrOutcomeUnknown: the entry was handed to raft, then leadership was
	// lost, the node shut down or the caller's context ended before the
	// entry was applied here. It may still commit (and apply everywhere)
	// or may be dropped by the next leader: retry with the same dedup key.
	ErrOutcomeUnknown = errors.New("raftnode: outcome unknown")
	// ErrShutdown: the node is shut down or shutting down. Alone it means
	// nothing was appended; wrapped together with ErrOutcomeUnknown it
	// means the entry may have been.
	ErrShutdown = errors.New("raftnode: shut down")
	// ErrTimeout: the entry could not be handed to raft before the
	// deadline (raft's queue was full, or the context had already ended).
	// Nothing was appended; a retry is safe.
	ErrTimeout = errors.New("raftnode: timed out before the entry was appended")
	// ErrUnknownServer: a membership or transfer operation named a server
	// ID that is not in the current configuration.
	ErrUnknownServer = errors.New("raftnode: unknown server")
	// ErrTransferFailed: a leadership transfer did not complete (the
	// target did not catch up or win the election in time). This node is
	// still leader, or an election is under way.
	ErrTransferFailed = errors.New("raftnode: leadership transfer failed")
	// ErrNothingToSnapshot: Snapshot was called on a node whose FSM has
	// applied nothing yet.
	ErrNothingToSnapshot = errors.New("raftnode: nothing new to snapshot")
)

// NotLeaderError is returned where the leader is needed. LeaderID and
// LeaderAddr (its Raft address) name the leader this node knows of; both
// are empty while there is none (an election, or a transfer in progress).
// errors.Is(err, ErrNotLeader) is true for it.
type NotLeaderError struct {
	LeaderID   string
	LeaderAddr string
}

func (e *NotLeaderError) Error() string {
	if e.LeaderID == "" {
		return ErrNotLeader.Error() + " (no leader known)"
	}
	return fmt.Sprintf("%s (leader is %s at %s)", ErrNotLeader, e.LeaderID, e.LeaderAddr)
}

// Is makes errors.Is(err, ErrNotLeader) match.
func (e *NotLeaderError) Is(target error) bool { return target == ErrNotLeader }

// notLeader builds a NotLeaderError naming the leader raft knows of now.
func (n *Node) notLeader() error {
	addr, id := n.raft.LeaderWithID()
	if id == raft.ServerID(n.cfg.ID) {
		// Raft rejected the call while we still lead: a transfer is under
		// way, and the next leader is not known yet.
		return &NotLeaderError{}
	}
	return &NotLeaderError{LeaderID: string(id), LeaderAddr: string(addr)}
}

// translate maps an error from raft to this package's errors. appended
// says whether raft may have appended an entry before failing (the future
// of an Apply, Barrier or membership change that was enqueued), which
// turns shutdown into an unknown outcome. Errors raft does not document
// are wrapped in ErrOutcomeUnknown when appended, since nothing proves
// the entry was not written.
func (n *Node) translate(op string, err error, appended bool) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return fmt.Errorf("%s: %w", op, n.notLeader())
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return fmt.Errorf("%s: %w", op, ErrTimeout)
	case errors.Is(err, raft.ErrRaftShutdown):
		if appended {
			return fmt.Errorf("%s: %w: %w", op, ErrOutcomeUnknown, ErrShutdown)
		}
		return fmt.Errorf("%s: %w", op, ErrShutdown)
	case errors.Is(err, raft.ErrLeadershipLost), errors.Is(err, raft.ErrAbortedByRestore):
		return fmt.Errorf("%s: %w: %v", op, ErrOutcomeUnknown, err)
	case errors.Is(err, raft.ErrNothingNewToSnapshot):
		return fmt.Errorf("%s: %w", op, ErrNothingToSnapshot)
	case appended:
		return fmt.Errorf("%s: %w: %v", op, ErrOutcomeUnknown, err)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}
