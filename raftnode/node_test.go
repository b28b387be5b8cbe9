package raftnode

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestBootstrapElectsOneLeaderAndReplicates(t *testing.T) {
	c := newTestCluster(t, 3)
	leader := c.Leader(t)

	st := leader.node().Status()
	if st.State != "leader" || st.LeaderID != leader.id || st.LeaderAddr != leader.addr || st.Term == 0 {
		t.Errorf("leader status = %+v", st)
	}
	if len(st.Servers) != 3 {
		t.Fatalf("servers = %+v, want 3", st.Servers)
	}
	for _, s := range st.Servers {
		if s.Suffrage != "voter" || s.Addr != c.Node(s.ID).addr {
			t.Errorf("server %+v", s)
		}
	}

	for i, cmd := range []string{"a", "b", "c"} {
		if got := c.mustPropose(t, cmd); got != i+1 {
			t.Errorf("Propose(%q) = %v, want the FSM's answer %d", cmd, got, i+1)
		}
	}
	c.WaitApplied(t, 3)
	if got := c.EnsureSame(t); len(got) != 3 || got[0] != "a" || got[2] != "c" {
		t.Errorf("applied %v", got)
	}
	for _, f := range c.Followers(t) {
		st := f.node().Status()
		if st.State != "follower" || st.LeaderID != leader.id || st.LastContact.IsZero() {
			t.Errorf("follower status = %+v", st)
		}
	}
}

func TestProposeOnFollowerNamesTheLeader(t *testing.T) {
	c := newTestCluster(t, 3)
	leader := c.Leader(t)
	f := c.Followers(t)[0]

	_, err := f.node().Propose(context.Background(), []byte("x"))
	if !errors.Is(err, ErrNotLeader) {
		t.Fatalf("Propose on follower: %v, want ErrNotLeader", err)
	}
	var nl *NotLeaderError
	if !errors.As(err, &nl) || nl.LeaderID != leader.id || nl.LeaderAddr != leader.addr {
		t.Errorf("NotLeaderError = %+v, want leader %s at %s", nl, leader.id, leader.addr)
	}
	if f.node().IsLeader() || f.node().LeaderAddr() != leader.addr {
		t.Errorf("follower IsLeader=%v LeaderAddr=%q", f.node().IsLeader(), f.node().LeaderAddr())
	}
}

func TestProposeWithEndedContextIsNotAppended(t *testing.T) {
	c := newTestCluster(t, 3)
	leader := c.Leader(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := leader.node().Propose(ctx, []byte("never"))
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Propose(cancelled ctx) = %v, want ErrTimeout wrapping context.Canceled", err)
	}
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := leader.node().Propose(ctx, []byte("never")); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Propose(past deadline) = %v, want ErrTimeout", err)
	}
	c.mustPropose(t, "after")
	if got := c.EnsureSame(t); len(got) != 1 || got[0] != "after" {
		t.Errorf("applied %v, want only %q", got, "after")
	}
}

func TestProposeAfterCloseIsShutdown(t *testing.T) {
	c := newTestCluster(t, 1)
	n := c.Leader(t).node()
	c.mustPropose(t, "a")
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	c.Node("n1").ptr.Store(nil)
	_, err := n.Propose(context.Background(), []byte("b"))
	if !errors.Is(err, ErrShutdown) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("Propose after Close = %v, want ErrShutdown alone", err)
	}
	ctx := context.Background()
	for name, err := range map[string]error{
		"TransferLeadership": n.TransferLeadership(ctx, ""),
		"AddVoter":           n.AddVoter(ctx, "n9", "127.0.0.1:1"),
		"RemoveServer":       n.RemoveServer(ctx, "n1"),
		"Snapshot":           n.Snapshot(),
	} {
		if !errors.Is(err, ErrShutdown) || errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("%s after Close = %v, want ErrShutdown alone", name, err)
		}
	}
	if st := n.Status(); st.State != "shutdown" {
		t.Errorf("status after Close = %+v", st)
	}
	if err := n.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRestartReplaysTheLog(t *testing.T) {
	c := newTestCluster(t, 3)
	for _, cmd := range []string{"a", "b", "c", "d"} {
		c.mustPropose(t, cmd)
	}
	want := c.EnsureSame(t)
	for _, tn := range c.nodes {
		c.Kill(tn.id)
	}
	for _, tn := range c.nodes {
		c.Restart(tn.id)
	}
	c.Leader(t)
	c.WaitApplied(t, len(want))
	if got := c.EnsureSame(t); !slices.Equal(got, want) {
		t.Errorf("after restart applied %v, want %v", got, want)
	}
}
