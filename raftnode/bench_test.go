package raftnode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// The proposer counts both benchmarks run, one sub-benchmark each.
var benchProposers = []int{1, 16, 256}

// benchPayload is about the size of an encoded game command.
var benchPayload = make([]byte, 64)

// runProposers runs b.N proposals from n goroutines through propose and
// reports commits/s and latency percentiles. On this shared machine a
// scheduling stall now and then costs the leader its lease; propose
// follows the leader and retries, so such a run shows up as a slow p99
// instead of a failure.
func runProposers(b *testing.B, n int, propose func([]byte) error) {
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	b.ResetTimer()
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := propose(benchPayload); err != nil {
					errs <- err
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatalf("propose: %v", err)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "commits/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkPropose measures Propose on the leader of an in-process
// three-node loopback cluster with the nodes' log store (the WAL, fsync on) and the test
// FSM, over the plain TCP layer (no fault injection).
func BenchmarkPropose(b *testing.B) {
	c := newTestCluster(b, 3, func(cfg *Config) {
		cfg.StreamLayer = cfg.StreamLayer.(*FaultLayer).StreamLayer
	})
	var leader atomic.Pointer[Node]
	leader.Store(c.Leader(b).node())
	for _, n := range benchProposers {
		b.Run(fmt.Sprintf("proposers=%d", n), func(b *testing.B) {
			runProposers(b, n, func(data []byte) error {
				for {
					_, err := leader.Load().Propose(context.Background(), data)
					if !errors.Is(err, ErrNotLeader) && !errors.Is(err, ErrOutcomeUnknown) {
						return err
					}
					leader.Store(c.Leader(b).node())
				}
			})
		})
	}
}

// BenchmarkRawRaft is the baseline for BenchmarkPropose: hashicorp/raft
// with the same stores, timeouts and loopback TCP, raft's own transport
// and an FSM that does nothing.
func BenchmarkRawRaft(b *testing.B) {
	rafts := newRawCluster(b, 3)
	var leader atomic.Pointer[raft.Raft]
	leader.Store(rawLeader(b, rafts))
	for _, n := range benchProposers {
		b.Run(fmt.Sprintf("proposers=%d", n), func(b *testing.B) {
			runProposers(b, n, func(data []byte) error {
				for {
					err := leader.Load().Apply(data, 5*time.Second).Error()
					if !errors.Is(err, raft.ErrNotLeader) && !errors.Is(err, raft.ErrLeadershipLost) {
						return err
					}
					leader.Store(rawLeader(b, rafts))
				}
			})
		})
	}
}

// nopFSM is the trivial state machine of the baseline.
type nopFSM struct{}

func (nopFSM) Apply(*raft.Log) any                 { return nil }
func (nopFSM) Snapshot() (raft.FSMSnapshot, error) { return nopSnapshot{}, nil }
func (nopFSM) Restore(rc io.ReadCloser) error      { return rc.Close() }

type nopSnapshot struct{}

func (nopSnapshot) Persist(s raft.SnapshotSink) error { return s.Close() }
func (nopSnapshot) Release()                          {}

// newRawCluster starts n plain hashicorp/raft servers.
func newRawCluster(b *testing.B, n int) []*raft.Raft {
	b.Helper()
	type server struct {
		conf  *raft.Config
		trans *raft.NetworkTransport
		dir   string
	}
	var servers []server
	var cfg raft.Configuration
	for i := 1; i <= n; i++ {
		trans, err := raft.NewTCPTransport("127.0.0.1:0", nil, transportMaxPool, transportTimeout, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		conf := Config{ID: fmt.Sprintf("r%d", i), Logger: testLogger()}.withDefaults().raftConfig(nil)
		servers = append(servers, server{conf: conf, trans: trans, dir: b.TempDir()})
		cfg.Servers = append(cfg.Servers, raft.Server{ID: conf.LocalID, Address: trans.LocalAddr()})
	}
	var rafts []*raft.Raft
	for _, s := range servers {
		store, err := openLogStore(s.dir, "", 0, testLogger()) // the nodes' store
		if err != nil {
			b.Fatal(err)
		}
		logs, _ := raft.NewLogCache(logCacheSize, store)
		snaps, err := raft.NewFileSnapshotStore(s.dir, snapshotsRetained, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		r, err := raft.NewRaft(s.conf, nopFSM{}, logs, store, snaps, s.trans)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.BootstrapCluster(cfg).Error(); err != nil {
			b.Fatal(err)
		}
		rafts = append(rafts, r)
		b.Cleanup(func() {
			r.Shutdown().Error()
			store.Close()
		})
	}
	return rafts
}

// rawLeader waits for a leader among rafts.
func rawLeader(b *testing.B, rafts []*raft.Raft) *raft.Raft {
	var leader *raft.Raft
	waitFor(b, "a raw raft leader", func() bool {
		for _, r := range rafts {
			if r.State() == raft.Leader {
				leader = r
				return true
			}
		}
		return false
	})
	return leader
}
