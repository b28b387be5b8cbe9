package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"time"

	"tableraft/fsm"
	"tableraft/raftnode"
	"tableraft/results"
	"tableraft/transport/metrics"
)

// nodeMetrics is the node's Prometheus registry, served at GET /metrics of
// the HTTP address.
type nodeMetrics struct {
	*metrics.Metrics
}

// newMetrics builds the registry and installs raft's metrics sink (raft's
// own timers: raft.apply, raft.commitTime, ...). A failing sink is logged:
// the node's own series still work.
func newMetrics(log *slog.Logger) nodeMetrics {
	m := metrics.New()
	if err := m.InstallRaftSink(); err != nil {
		log.Warn("raft metrics sink", "err", err)
	}
	return nodeMetrics{m}
}

// watch adds the gauges over the node, its state, the player border and
// the results spool (nil: no spool gauges).
func (m nodeMetrics) watch(node *raftnode.Node, state *fsm.FSM, players *playerBorder, spool *results.Spool) {
	src := metrics.Sources{Status: node.Status, FSM: state}
	if players.srv != nil {
		src.Sessions = players.srv.Sessions
	}
	if spool != nil {
		src.Spool = func() (int, int64, int) {
			st := spool.Stats()
			return st.Files, st.Bytes, st.Records
		}
	}
	m.Watch(src)
}

// propose is the duties' way to Raft, timed as source "duty".
func (m nodeMetrics) propose(node *raftnode.Node) func(context.Context, fsm.Command) error {
	return func(ctx context.Context, cmd fsm.Command) error {
		start := time.Now()
		_, err := node.ProposeCommand(ctx, cmd)
		m.Observe("duty", cmd.Op, time.Since(start), err)
		return err
	}
}

// routes serves GET /metrics beside next, and Go's profiler under
// /debug/pprof/ when TABLERAFT_PPROF=1 (a profile of a loaded leader is
// how the moves/s figures in docs/BENCHMARKS.md were explained; the
// endpoints reveal nothing of the game state but cost CPU while they
// run, so they stay off unless asked for).
func (m nodeMetrics) routes(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	if os.Getenv("TABLERAFT_PPROF") == "1" {
		// Lock contention and blocking, sampled: /debug/pprof/mutex, block.
		runtime.SetMutexProfileFraction(10)
		runtime.SetBlockProfileRate(int(time.Millisecond / 10))
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	mux.Handle("/", next)
	return mux
}
