package raftnode

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// Propose appends data to the log through this node, which must be the
// leader, and returns what the FSM's Apply returned for it on this node
// once it is committed and applied. An FSM that reports a refusal as its
// Apply result (an error value) gets it back as the result, not as err: err
// is only about replication.
//
// The context bounds both handing the entry to raft (its deadline, or
// Config.ApplyTimeout without one) and waiting for the result. The errors
// tell whether a retry is safe (see the var block in errors.go):
// *NotLeaderError, ErrTimeout and ErrShutdown mean nothing was appended;
// ErrOutcomeUnknown (leadership lost, shutdown or ctx ended after the
// hand-over) means the entry may still commit.
func (n *Node) Propose(ctx context.Context, data []byte) (any, error) {
	timeout, err := n.enqueueTimeout(ctx)
	if err != nil {
		return nil, fmt.Errorf("propose: %w", err)
	}
	if err := n.stopped("propose"); err != nil {
		return nil, err
	}
	f := n.raft.Apply(data, timeout)
	err, ctxErr := waitFuture(ctx, f)
	if ctxErr != nil {
		return nil, fmt.Errorf("propose: %w: %w", ErrOutcomeUnknown, ctxErr)
	}
	if err != nil {
		return nil, n.translate("propose", err, true)
	}
	return f.Response(), nil
}

// enqueueTimeout is how long raft may take to accept an entry: the time
// left on ctx, or ApplyTimeout without a deadline. An ended ctx is
// ErrTimeout: nothing was handed over.
func (n *Node) enqueueTimeout(ctx context.Context) (time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return n.cfg.ApplyTimeout, nil
	}
	d := time.Until(deadline)
	if d <= 0 {
		return 0, fmt.Errorf("%w: %w", ErrTimeout, context.DeadlineExceeded)
	}
	return d, nil
}

// waitFuture waits for f to resolve or ctx to end, whichever comes first,
// and returns f's error or ctx's. raft futures have no channel to select
// on, so with a cancellable ctx a goroutine waits on f; it ends when f
// resolves, which raft guarantees on commit, loss of leadership or
// shutdown.
func waitFuture(ctx context.Context, f raft.Future) (err, ctxErr error) {
	if ctx.Done() == nil {
		return f.Error(), nil
	}
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		return err, nil
	case <-ctx.Done():
		select {
		case err := <-done: // resolved at the same moment: prefer the answer
			return err, nil
		default:
			return nil, ctx.Err()
		}
	}
}

// timeoutFor is the enqueue timeout for admin operations: ctx's remaining
// time, or ApplyTimeout.
func (n *Node) timeoutFor(ctx context.Context) time.Duration {
	if d, err := n.enqueueTimeout(ctx); err == nil {
		return d
	}
	return time.Millisecond
}
