package chaos

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"tableraft/cmd/tablebench/internal/cluster"
)

// The fault types.
const (
	KillLeader   = "kill-leader"   // kill -9 of the leader, restarted 1-3 s later
	KillFollower = "kill-follower" // kill -9 of a follower, restarted 1-3 s later
	StopLeader   = "stop-leader"   // SIGSTOP of the leader for 1-5 s, then SIGCONT
	Partition    = "partition"     // one node's network cut for 3-8 s (the leader half the time)
	Transfer     = "transfer"      // planned leadership transfer: takeover on the target, then POST /admin/transfer
	PGStop       = "pg-stop"       // PostgreSQL stopped (immediate) for 2-6 s
	DiskFull     = "disk-full"     // the leader's spool tmpfs filled while PostgreSQL is down, 3-6 s
)

// Baseline is failover's control point: no fault, the same pause measure.
const Baseline = "baseline"

// AllFaults lists every fault type.
var AllFaults = []string{KillLeader, KillFollower, StopLeader, Partition, Transfer, PGStop, DiskFull}

// Fault is one fault the nemesis applied.
type Fault struct {
	Type string    `json:"type"`
	Node string    `json:"node,omitempty"`
	At   time.Time `json:"at"`
	// Hold is how long the fault lasted before it was undone.
	HoldMs int64  `json:"holdMs"`
	Err    string `json:"err,omitempty"`
	// PauseMs is the pause the clients saw: from the fault to the first
	// acked move of the last player to get one (-1: not measured).
	PauseMs float64 `json:"pauseMs"`
	// MedianPauseMs is the same for the median player: what most
	// players saw, where PauseMs includes the one whose turn came last
	// (the bots' turns, a next deal, a turn timer).
	MedianPauseMs float64 `json:"medianPauseMs"`
}

// nemesis applies faults to a cluster with a seeded schedule.
type nemesis struct {
	c   *cluster.Cluster
	rng *rand.Rand
}

func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// apply runs one fault of type typ to the end (undone) and records it.
func (n *nemesis) apply(ctx context.Context, typ string) Fault {
	f := Fault{Type: typ, At: time.Now(), PauseMs: -1}
	err := n.run(ctx, typ, &f)
	if err != nil {
		f.Err = err.Error()
	}
	return f
}

func (n *nemesis) leader(ctx context.Context) (*cluster.Node, error) {
	for i := 0; i < 50; i++ {
		if l := n.c.Leader(ctx); l != nil {
			return l, nil
		}
		sleep(ctx, 100*time.Millisecond)
	}
	return nil, errors.New("no leader")
}

func (n *nemesis) run(ctx context.Context, typ string, f *Fault) error {
	c := n.c
	switch typ {
	case KillLeader, KillFollower, StopLeader:
		l, err := n.leader(ctx)
		if err != nil {
			return err
		}
		target := l
		if typ == KillFollower {
			var fs []*cluster.Node
			for _, x := range c.Nodes {
				if x != l {
					fs = append(fs, x)
				}
			}
			target = fs[n.rng.IntN(len(fs))]
		}
		f.Node, f.At = target.ID, time.Now()
		if typ == StopLeader {
			hold := between(n.rng, time.Second, 5*time.Second)
			if err := c.Freeze(target); err != nil {
				return err
			}
			sleep(ctx, hold)
			f.HoldMs = hold.Milliseconds()
			return c.Thaw(target)
		}
		hold := between(n.rng, time.Second, 3*time.Second)
		c.Kill(target)
		sleep(ctx, hold)
		f.HoldMs = hold.Milliseconds()
		return c.Restart(target)
	case Partition:
		if !c.CanPartition() {
			return errors.New("partitions need network namespaces (root)")
		}
		target := c.Nodes[n.rng.IntN(len(c.Nodes))]
		if n.rng.IntN(2) == 0 {
			if l, err := n.leader(ctx); err == nil {
				target = l
			}
		}
		hold := between(n.rng, 3*time.Second, 8*time.Second)
		f.Node, f.At = target.ID, time.Now()
		if err := c.Partition(target); err != nil {
			return err
		}
		sleep(ctx, hold)
		f.HoldMs = hold.Milliseconds()
		return c.Heal(target)
	case Transfer:
		l, err := n.leader(ctx)
		if err != nil {
			return err
		}
		f.Node, f.At = l.ID, time.Now()
		return c.Transfer(ctx)
	case PGStop:
		if c.PG == nil {
			return errors.New("no PostgreSQL")
		}
		hold := between(n.rng, 2*time.Second, 6*time.Second)
		f.At = time.Now()
		if err := c.PG.Stop(); err != nil {
			return err
		}
		sleep(ctx, hold)
		f.HoldMs = hold.Milliseconds()
		return c.PG.Start()
	case DiskFull:
		if c.PG == nil || !c.CanFillSpool() {
			return errors.New("disk-full needs PostgreSQL and a tmpfs spool (root)")
		}
		l, err := n.leader(ctx)
		if err != nil {
			return err
		}
		hold := between(n.rng, 3*time.Second, 6*time.Second)
		f.Node, f.At = l.ID, time.Now()
		if err := c.FillSpool(l); err != nil {
			return err
		}
		if err := c.PG.Stop(); err != nil {
			return err
		}
		sleep(ctx, hold)
		f.HoldMs = hold.Milliseconds()
		err1 := c.PG.Start()
		err2 := c.FreeSpool(l)
		return errors.Join(err1, err2)
	}
	return fmt.Errorf("unknown fault %q", typ)
}

// healAll undoes whatever may be left: every node alive, thawed and
// connected, PostgreSQL up, the spools free.
func healAll(c *cluster.Cluster) error {
	var errs []error
	for _, n := range c.Nodes {
		if c.CanPartition() {
			errs = append(errs, c.Heal(n))
		}
		if c.CanFillSpool() {
			errs = append(errs, c.FreeSpool(n))
		}
		if n.Alive() {
			errs = append(errs, c.Thaw(n))
		} else {
			errs = append(errs, c.Restart(n))
		}
	}
	if c.PG != nil {
		errs = append(errs, c.PG.Start())
	}
	return errors.Join(errs...)
}
