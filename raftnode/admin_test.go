package raftnode

import (
	"context"
	"errors"
	"testing"
)

func TestAddVoterAndRemoveServer(t *testing.T) {
	c := newTestCluster(t, 3)
	c.mustPropose(t, "a")
	leader := c.Leader(t)
	follower := c.Followers(t)[0]
	ctx := context.Background()

	n4 := c.newNode("n4", "127.0.0.1:0", nil) // no bootstrap: waits to be added
	c.open(n4)
	if err := n4.node().Snapshot(); !errors.Is(err, ErrNothingToSnapshot) {
		t.Errorf("Snapshot on an empty node: %v, want ErrNothingToSnapshot", err)
	}

	if err := follower.node().AddVoter(ctx, "n4", n4.addr); !errors.Is(err, ErrNotLeader) {
		t.Errorf("AddVoter on a follower: %v, want ErrNotLeader", err)
	}
	if err := leader.node().AddVoter(ctx, "n4", n4.addr); err != nil {
		t.Fatalf("AddVoter: %v", err)
	}
	c.mustPropose(t, "b")
	c.WaitApplied(t, 2)
	if got := c.EnsureSame(t); len(got) != 2 {
		t.Errorf("applied %v", got)
	}
	if s := leader.node().Status().Servers; len(s) != 4 {
		t.Errorf("servers after AddVoter: %+v", s)
	}
	if id, _ := n4.node().Leader(); id != leader.id {
		t.Errorf("n4 follows %q, want %s", id, leader.id)
	}

	if err := follower.node().RemoveServer(ctx, "n4"); !errors.Is(err, ErrNotLeader) {
		t.Errorf("RemoveServer on a follower: %v, want ErrNotLeader", err)
	}
	if err := leader.node().RemoveServer(ctx, "nobody"); !errors.Is(err, ErrUnknownServer) {
		t.Errorf("RemoveServer(unknown): %v, want ErrUnknownServer", err)
	}
	if err := leader.node().RemoveServer(ctx, "n4"); err != nil {
		t.Fatalf("RemoveServer: %v", err)
	}
	c.Kill("n4")
	if s := leader.node().Status().Servers; len(s) != 3 {
		t.Errorf("servers after RemoveServer: %+v", s)
	}
	c.mustPropose(t, "c")
	c.EnsureSame(t)
}
