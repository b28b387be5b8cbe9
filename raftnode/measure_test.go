package raftnode

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestMeasureFailover measures, with the default timeouts, how long the
// group is without an agreed leader after the leader is killed (Close,
// no transfer) and after a leadership transfer. It is a measurement, not
// a check, and runs only when RAFTNODE_MEASURE is set (to the number of
// trials, default 10). RAFTNODE_MEASURE_TIMEOUT=1s sets heartbeat, election
// and lease timeouts to compare other choices:
//
//	RAFTNODE_MEASURE=10 go test -run TestMeasureFailover -v ./raftnode/
func TestMeasureFailover(t *testing.T) {
	trials, _ := strconv.Atoi(os.Getenv("RAFTNODE_MEASURE"))
	if os.Getenv("RAFTNODE_MEASURE") == "" {
		t.Skip("set RAFTNODE_MEASURE=<trials> to measure failover times")
	}
	if trials <= 0 {
		trials = 10
	}
	var opts []clusterOption
	if d, err := time.ParseDuration(os.Getenv("RAFTNODE_MEASURE_TIMEOUT")); err == nil {
		opts = append(opts, func(cfg *Config) {
			cfg.HeartbeatTimeout, cfg.ElectionTimeout, cfg.LeaderLeaseTimeout = d, d, d
		})
		t.Logf("heartbeat, election and lease timeouts %v", d)
	}
	c := newTestCluster(t, 3, opts...)
	var kills, transfers []time.Duration
	for i := range trials {
		c.mustPropose(t, "x")
		old := c.Leader(t)
		start := time.Now()
		c.Kill(old.id)
		pollLeader(t, c)
		kills = append(kills, time.Since(start))
		c.Restart(old.id)
		c.EnsureSame(t)

		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		from := c.Leader(t)
		start = time.Now()
		if err := from.node().TransferLeadership(ctx, ""); err != nil {
			t.Fatalf("trial %d: transfer: %v", i, err)
		}
		pollLeader(t, c)
		transfers = append(transfers, time.Since(start))
		cancel()
	}
	t.Logf("election after killing the leader, %d trials: %s", trials, summary(kills))
	t.Logf("leadership transfer, %d trials: %s", trials, summary(transfers))
}

// pollLeader waits, polling every millisecond, until the running nodes
// agree on a leader.
func pollLeader(t *testing.T, c *testCluster) *testNode {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		if l := c.currentLeader(); l != nil {
			return l
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no leader")
	return nil
}

func summary(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }
	return "min " + ms(s[0]) + ", median " + ms(s[len(s)/2]) + ", max " + ms(s[len(s)-1])
}
