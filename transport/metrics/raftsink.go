package metrics

import (
	gometrics "github.com/armon/go-metrics"
	promsink "github.com/armon/go-metrics/prometheus"
)

// RaftSeriesLeftOut are raft's metrics the sink drops: samples taken per
// log entry, per RPC or per disk write (a summary each, several thousand
// a second on a busy node). In a CPU profile of a node at 117 players
// they cost ~6 % of its CPU, more than everything else raft reports.
// What they would show is covered by raft.commitTime, raft.fsm.apply,
// raft.leader.dispatchLog and the node's own tableraft_* series.
var RaftSeriesLeftOut = []string{
	"raft.boltdb.",                   // per StoreLogs and per entry (logSize): the disk write
	"raft.net.",                      // per RPC: decode, enqueue, respond
	"raft.rpc.appendEntries",         // per AppendEntries on a follower
	"raft.replication.appendEntries", // per AppendEntries and peer on the leader
	"raft.replication.heartbeat",     // per heartbeat and peer
}

// InstallRaftSink makes raft's own metrics (raft.apply, raft.commitTime,
// raft.leader.dispatchLog, ...) appear in the registry. hashicorp/raft
// v1.7.3 emits through hashicorp/go-metrics' compat package, which without
// a build tag forwards to armon/go-metrics: its global sink is the one to
// set. That sink is process-wide, so only the node's main calls this, once.
func (m *Metrics) InstallRaftSink() error {
	// Series not updated for the default minute are dropped (a removed
	// peer's replication timers, a former leader's leader.* timers).
	sink, err := promsink.NewPrometheusSinkFrom(promsink.PrometheusOpts{
		Registerer: m.reg, Name: "raft_sink", Expiration: promsink.DefaultPrometheusOpts.Expiration,
	})
	if err != nil {
		return err
	}
	cfg := gometrics.DefaultConfig("")
	cfg.EnableHostname = false       // one node per process: the scrape target names it
	cfg.EnableRuntimeMetrics = false // the Go collector covers the runtime
	cfg.BlockedPrefixes = RaftSeriesLeftOut
	_, err = gometrics.NewGlobal(cfg, sink)
	return err
}
