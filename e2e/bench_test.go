package e2e

import (
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"tableraft/transport/adminapi"
)

// The benchmarks below measure a 3-process cluster on loopback (plain
// binaries, fsync on). Run them one at a time on a quiet machine:
//
//	go test -run '^$' -bench . -benchtime 1x ./e2e/
//
// Their figures go into docs/BENCHMARKS.md.

// BenchmarkClusterPropose: commits/s and latency of Propose through the
// real FSM at 1, 16 and 256 concurrent proposers on the leader, beside raw
// raft entries that the FSM ignores, measured on the same processes.
func BenchmarkClusterPropose(b *testing.B) {
	c := newCluster(b, 3)
	leader := c.waitLeader(10 * time.Second)
	for _, proposers := range []int{1, 16, 256} {
		for _, raw := range []bool{true, false} {
			name := fmt.Sprintf("proposers=%d/fsm", proposers)
			if raw {
				name = fmt.Sprintf("proposers=%d/raw", proposers)
			}
			b.Run(name, func(b *testing.B) {
				count := 300 * proposers
				if count > 30000 {
					count = 30000
				}
				var res adminapi.BenchResult
				for b.Loop() {
					c.post(leader, "/dev/bench", map[string]any{"proposers": proposers, "count": count, "raw": raw}, &res)
				}
				if res.Errors > 0 {
					b.Fatalf("%d proposals failed", res.Errors)
				}
				b.ReportMetric(res.CommitsPerSec, "commits/s")
				b.ReportMetric(res.P50Ms, "p50-ms")
				b.ReportMetric(res.P99Ms, "p99-ms")
			})
		}
	}
}

// BenchmarkElectionAfterKill: the time from kill -9 of the leader until
// another node answers /health/leader with 200, over 10 trials (the killed
// node is restarted and caught up between trials).
func BenchmarkElectionAfterKill(b *testing.B) {
	c := newCluster(b, 3)
	var times []time.Duration
	for b.Loop() {
		times = times[:0]
		for trial := 0; trial < 10; trial++ {
			leader := c.waitLeader(10 * time.Second)
			c.kill(leader)
			start := time.Now()
			waitLeaderHealth(b, c, leader)
			times = append(times, time.Since(start))
			c.start(leader)
			waitFor(b, 30*time.Second, "the restarted node to follow", func() bool {
				s, err := c.status(leader)
				return err == nil && s.State == "follower" && s.LeaderID != ""
			})
		}
	}
	reportTimes(b, times)
}

// BenchmarkLeadershipTransfer: the time from POST /admin/transfer on the
// leader until another node answers /health/leader with 200, over 10
// trials.
func BenchmarkLeadershipTransfer(b *testing.B) {
	c := newCluster(b, 3)
	var times []time.Duration
	for b.Loop() {
		times = times[:0]
		for trial := 0; trial < 10; trial++ {
			leader := c.waitLeader(10 * time.Second)
			start := time.Now()
			c.post(leader, "/admin/transfer", map[string]any{}, nil)
			waitLeaderHealth(b, c, leader)
			times = append(times, time.Since(start))
		}
	}
	reportTimes(b, times)
}

// waitLeaderHealth polls every live node but old every 5 ms until one
// answers /health/leader with 200.
func waitLeaderHealth(b *testing.B, c *cluster, old *node) {
	client := &http.Client{Timeout: 200 * time.Millisecond}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, nd := range c.nodes {
			if nd == old || !nd.alive() {
				continue
			}
			resp, err := client.Get(nd.base() + "/health/leader")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatal("no new leader within 20s")
}

func reportTimes(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[0].Milliseconds()), "min-ms")
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(times[len(times)-1].Milliseconds()), "max-ms")
	b.Logf("trials (ms): %v", times)
}
