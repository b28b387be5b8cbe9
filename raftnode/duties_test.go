package raftnode

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// checkOneDutyRunner waits until exactly the leader runs its duty.
func checkOneDutyRunner(t *testing.T, c *testCluster) {
	t.Helper()
	waitFor(t, "duties on the leader only", func() bool {
		leader := c.currentLeader()
		if leader == nil {
			return false
		}
		for _, tn := range c.up() {
			want := int32(0)
			if tn == leader {
				want = 1
			}
			if tn.dutyRunning.Load() != want {
				return false
			}
		}
		return true
	})
}

func TestDutiesRunOnlyOnTheLeader(t *testing.T) {
	c := newTestCluster(t, 3)
	for range 20 {
		c.mustPropose(t, "x")
	}
	checkOneDutyRunner(t, c)
	old := c.Leader(t)
	target := c.Followers(t)[0]

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := old.node().TransferLeadership(ctx, target.id); err != nil {
		t.Fatal(err)
	}
	checkOneDutyRunner(t, c)
	if c.currentLeader() != target {
		t.Fatalf("leader is not %s", target.id)
	}
	if got := target.dutyStarts.Load(); got != 1 {
		t.Errorf("duty started %d times on the new leader, want 1", got)
	}
	// The Barrier ran first: the duty saw every command committed before.
	if got := target.dutySawLen.Load(); got < 20 {
		t.Errorf("duty started with %d commands applied, want at least 20", got)
	}
}

func TestDutyAddedWhileLeadingStartsAtOnce(t *testing.T) {
	c := newTestCluster(t, 3)
	checkOneDutyRunner(t, c)
	var running atomic.Int32
	for _, tn := range c.up() {
		tn.node().AddDuty(Duty{Name: "late", Run: func(ctx context.Context) {
			running.Add(1)
			defer running.Add(-1)
			<-ctx.Done()
		}})
	}
	waitFor(t, "the late duty on the leader", func() bool { return running.Load() == 1 })
	if !c.Leader(t).node().lead.running() {
		t.Error("leader reports no running duties")
	}
	for _, f := range c.Followers(t) {
		if f.node().lead.running() {
			t.Errorf("follower %s reports running duties", f.id)
		}
	}
}

func TestDutyGenerationsDoNotOverlap(t *testing.T) {
	c := newTestCluster(t, 3)
	a := c.Leader(t)
	b := c.Followers(t)[0]
	var running, maxRunning, starts atomic.Int32
	a.node().AddDuty(Duty{Name: "slow to stop", Run: func(ctx context.Context) {
		starts.Add(1)
		now := running.Add(1)
		for {
			m := maxRunning.Load()
			if now <= m || maxRunning.CompareAndSwap(m, now) {
				break
			}
		}
		<-ctx.Done()
		time.Sleep(300 * time.Millisecond) // still cleaning up when leadership returns
		running.Add(-1)
	}})
	waitFor(t, "the duty on a", func() bool { return starts.Load() == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := a.node().TransferLeadership(ctx, b.id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b to lead", func() bool { return b.node().IsLeader() })
	if err := b.node().TransferLeadership(ctx, a.id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the duty's second start on a", func() bool { return starts.Load() == 2 })
	if m := maxRunning.Load(); m != 1 {
		t.Errorf("%d generations of the duty ran at once on one node, want 1", m)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	c := newTestCluster(t, 3)
	c.mustPropose(t, "a")
	old := c.Leader(t)
	c.Kill(old.id)
	c.mustPropose(t, "b")
	c.Restart(old.id)
	c.EnsureSame(t)
	c.Close()
	deadline := time.Now().Add(waitTimeout)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after Close:\n%s",
				before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
