package raftnode

import (
	"errors"
	"testing"

	"github.com/hashicorp/raft"
)

func TestTranslateTellsWhetherARetryIsSafe(t *testing.T) {
	c := newTestCluster(t, 1)
	n := c.Leader(t).node()
	tests := []struct {
		name     string
		err      error
		appended bool
		want     []error // every one must match
		notWant  error
	}{
		{"not leader is safe", raft.ErrNotLeader, true, []error{ErrNotLeader}, ErrOutcomeUnknown},
		{"transfer in progress is not-leader", raft.ErrLeadershipTransferInProgress, true, []error{ErrNotLeader}, ErrOutcomeUnknown},
		{"enqueue timeout is safe", raft.ErrEnqueueTimeout, true, []error{ErrTimeout}, ErrOutcomeUnknown},
		{"leadership lost is unknown", raft.ErrLeadershipLost, true, []error{ErrOutcomeUnknown}, ErrNotLeader},
		{"restore abort is unknown", raft.ErrAbortedByRestore, true, []error{ErrOutcomeUnknown}, nil},
		{"shutdown after hand-over is unknown", raft.ErrRaftShutdown, true, []error{ErrOutcomeUnknown, ErrShutdown}, nil},
		{"shutdown before hand-over is safe", raft.ErrRaftShutdown, false, []error{ErrShutdown}, ErrOutcomeUnknown},
		{"an undocumented error after hand-over is unknown", errors.New("disk on fire"), true, []error{ErrOutcomeUnknown}, nil},
		{"nothing to snapshot", raft.ErrNothingNewToSnapshot, false, []error{ErrNothingToSnapshot}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := n.translate("op", tt.err, tt.appended)
			for _, w := range tt.want {
				if !errors.Is(got, w) {
					t.Errorf("translate(%v) = %v, does not match %v", tt.err, got, w)
				}
			}
			if tt.notWant != nil && errors.Is(got, tt.notWant) {
				t.Errorf("translate(%v) = %v, matches %v", tt.err, got, tt.notWant)
			}
		})
	}
	if n.translate("op", nil, true) != nil {
		t.Error("translate(nil) != nil")
	}
}
