package raftnode

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// finishLoad stops ld, proposes a marker so that every entry proposed
// before it is applied everywhere once the marker is, and checks that no
// acknowledged command was lost or doubled and that all FSMs agree.
func finishLoad(t *testing.T, c *testCluster, ld *load) {
	t.Helper()
	acked, unknown := ld.Stop(t)
	c.mustPropose(t, "end")
	applied := c.EnsureSame(t)
	if applied[len(applied)-1] != "end" {
		t.Errorf("last applied command %q, want the end marker", applied[len(applied)-1])
	}
	checkNoLoss(t, applied, acked, unknown)
	t.Logf("%d acknowledged, %d unknown, %d applied", len(acked), len(unknown), len(applied))
}

func TestLeaderKillLosesNoCommittedEntry(t *testing.T) {
	c := newTestCluster(t, 3)
	old := c.Leader(t)
	ld := c.startLoad(4)
	waitFor(t, "commits before the kill", func() bool { return ld.ackedCount() >= 40 })

	start := time.Now()
	c.Kill(old.id)
	leader := c.Leader(t)
	t.Logf("%s killed; %s leads after %v", old.id, leader.id, time.Since(start))
	if leader.id == old.id {
		t.Fatalf("killed node still leads")
	}
	n := ld.ackedCount()
	waitFor(t, "commits under the new leader", func() bool { return ld.ackedCount() >= n+40 })

	c.Restart(old.id)
	finishLoad(t, c, ld)
}

func TestPartitionedLeaderCannotCommit(t *testing.T) {
	tests := []struct {
		name      string
		partition func(c *testCluster, id string)
	}{
		{"connections cut", (*testCluster).Partition},
		{"traffic dropped", (*testCluster).PartitionDrop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t, 3)
			c.mustPropose(t, "before")
			old := c.Leader(t)
			tt.partition(c, old.id)

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := old.node().Propose(ctx, []byte("lost"))
			if err == nil {
				t.Fatal("the partitioned leader committed an entry")
			}
			if !errors.Is(err, ErrOutcomeUnknown) && !errors.Is(err, ErrNotLeader) {
				t.Fatalf("Propose on the partitioned leader: %v, want ErrOutcomeUnknown or ErrNotLeader", err)
			}
			waitFor(t, "the old leader to step down", func() bool { return !old.node().IsLeader() })
			waitFor(t, "its duties to stop", func() bool { return old.dutyRunning.Load() == 0 })

			leader := c.Leader(t) // among the majority
			if leader == old {
				t.Fatal("the partitioned node leads the majority")
			}
			c.mustPropose(t, "after")
			waitFor(t, "duties on the new leader", func() bool { return leader.dutyRunning.Load() == 1 })

			c.Heal()
			c.Leader(t)
			got := c.EnsureSame(t)
			if len(got) != 2 || got[0] != "before" || got[1] != "after" {
				t.Errorf("applied %v after healing, want [before after]", got)
			}
			checkOneDutyRunner(t, c)
		})
	}
}

func TestTransferLeadershipWhileProposing(t *testing.T) {
	c := newTestCluster(t, 3)
	old := c.Leader(t)
	target := c.Followers(t)[1]
	ld := c.startLoad(4)
	waitFor(t, "commits before the transfer", func() bool { return ld.ackedCount() >= 40 })

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	start := time.Now()
	if err := old.node().TransferLeadership(ctx, target.id); err != nil {
		t.Fatalf("TransferLeadership: %v", err)
	}
	leader := c.Leader(t)
	t.Logf("leadership moved %s -> %s in %v", old.id, leader.id, time.Since(start))
	if leader.id != target.id {
		t.Fatalf("leader is %s, want %s", leader.id, target.id)
	}
	n := ld.ackedCount()
	waitFor(t, "commits under the new leader", func() bool { return ld.ackedCount() >= n+40 })
	finishLoad(t, c, ld)
}

func TestTransferLeadershipErrors(t *testing.T) {
	c := newTestCluster(t, 3)
	leader := c.Leader(t)
	f := c.Followers(t)[0]
	ctx := context.Background()

	var nl *NotLeaderError
	if err := f.node().TransferLeadership(ctx, ""); !errors.As(err, &nl) || nl.LeaderID != leader.id {
		t.Errorf("transfer on a follower: %v, want *NotLeaderError naming %s", err, leader.id)
	}
	if err := leader.node().TransferLeadership(ctx, "nobody"); !errors.Is(err, ErrUnknownServer) {
		t.Errorf("transfer to an unknown server: %v, want ErrUnknownServer", err)
	}
	if err := leader.node().TransferLeadership(ctx, leader.id); err != nil || !leader.node().IsLeader() {
		t.Errorf("transfer to itself: %v (leader %v), want a no-op", err, leader.node().IsLeader())
	}
	if err := leader.node().TransferLeadership(ctx, ""); err != nil {
		t.Fatalf("transfer to any: %v", err)
	}
	if got := c.Leader(t); got == leader {
		t.Errorf("%s still leads after a transfer to any", got.id)
	}
}

func TestShutdownHandsLeadershipOver(t *testing.T) {
	c := newTestCluster(t, 3)
	c.mustPropose(t, "a")
	old := c.Leader(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()

	start := time.Now()
	if err := old.node().Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	old.ptr.Store(nil)
	old.layer = nil
	leader := c.Leader(t)
	took := time.Since(start)
	t.Logf("%s shut down; %s leads after %v", old.id, leader.id, took)
	// Without the transfer no follower could even start an election
	// before its heartbeat timeout.
	if took >= DefaultHeartbeatTimeout {
		t.Errorf("new leader after %v: no faster than an election, was leadership handed over?", took)
	}
	c.mustPropose(t, "b")
	if got := c.EnsureSame(t); len(got) != 2 {
		t.Errorf("applied %v", got)
	}
}

// snapshotTestRPCTimeout is the transport timeout of the tests that need
// a follower caught up by the leader's snapshot: a request built before
// the leader compacted its log waits in the dial (stream.go) at most this
// long, and the tests keep the follower away longer.
const snapshotTestRPCTimeout = 300 * time.Millisecond

func TestFollowerCatchesUpFromSnapshot(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) {
		// Snapshots only when asked, and a short log behind them.
		cfg.SnapshotThreshold = 1 << 20
		cfg.SnapshotInterval = time.Hour
		cfg.TrailingLogs = 4
		cfg.walSegmentSize = 1024 // compaction drops the early segments
		cfg.transportTimeout = snapshotTestRPCTimeout
	})
	for range 5 {
		c.mustPropose(t, "early")
	}
	c.WaitApplied(t, 5)
	down := c.Followers(t)[0]
	c.Kill(down.id)

	for range 30 {
		c.mustPropose(t, "late")
	}
	leader := c.Leader(t)
	if err := leader.node().Snapshot(); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	// Let every request built before the compaction expire in its dial
	// (see TestTablesFollowerCatchesUpFromSnapshot).
	time.Sleep(2 * snapshotTestRPCTimeout)

	c.Restart(down.id)
	c.WaitApplied(t, 35)
	got := c.EnsureSame(t)
	if len(got) != 35 {
		t.Errorf("applied %d commands, want 35", len(got))
	}
	if r := down.fsm.restoreCount(); r != 1 {
		t.Errorf("the restarted follower restored %d snapshots, want 1 (sent by the leader)", r)
	}
}

// TestLeaderStillApplyingHandsOver: a node restarted with a log to replay
// can win leadership (raft elects on the log, not on what was applied);
// while its replay takes longer than CatchUpGrace it serves nobody, so it
// hands leadership to a follower that has applied everything.
func TestLeaderStillApplyingHandsOver(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.CatchUpGrace = 300 * time.Millisecond })
	lag := c.Followers(t)[0]
	c.Kill(lag.id)
	const entries = 400
	for i := range entries {
		c.mustPropose(t, fmt.Sprintf("c%d", i))
	}
	lag.applyDelay = 10 * time.Millisecond // about 4 s to replay
	c.Restart(lag.id)

	// A transfer can time out on a loaded machine (the target must win
	// its election within the election timeout): try a few times, well
	// inside the replay.
	// A transfer can fail on a loaded machine (the target must win its
	// election within the election timeout): try until it leads, well
	// inside the replay.
	waitFor(t, "the restarted node to take leadership", func() bool {
		if l := c.currentLeader(); l == lag {
			return true
		} else if l != nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = l.node().TransferLeadership(ctx, lag.id)
			cancel()
		}
		return c.currentLeader() == lag
	})
	waitFor(t, "the restarted node to hand leadership on", func() bool {
		l := c.currentLeader()
		return l != nil && l.id != lag.id
	})
	if n := lag.dutyStarts.Load(); n != 0 {
		t.Fatalf("the restarted node started its duties %d times while replaying", n)
	}
	c.WaitApplied(t, entries)
	c.EnsureSame(t)
}

// Transferring is what /health/leader reads to stop sending players to a
// leader that is handing over: true from the request until Raft has
// settled the transfer, even when the caller stopped waiting first.
func TestTransferringLastsUntilRaftSettles(t *testing.T) {
	c := newTestCluster(t, 3)
	c.mustPropose(t, "a")
	leader := c.Leader(t)
	target := c.Followers(t)[0]
	if leader.node().Transferring() {
		t.Fatal("Transferring before any transfer")
	}
	gaveUp, cancel := context.WithCancel(context.Background())
	cancel()
	if err := leader.node().TransferLeadership(gaveUp, target.id); !errors.Is(err, context.Canceled) {
		t.Fatalf("transfer with a cancelled context: %v, want context.Canceled", err)
	}
	if !leader.node().Transferring() {
		t.Error("Transferring is false while Raft still transfers (the caller gave up)")
	}
	waitFor(t, "the transfer to settle", func() bool { return !leader.node().Transferring() })
	if got := c.Leader(t); got != target {
		t.Errorf("leader after the transfer: %s, want %s", got.id, target.id)
	}
	if target.node().Transferring() {
		t.Error("the new leader reports a transfer")
	}
}
