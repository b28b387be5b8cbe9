package metrics

import (
	gometrics "github.com/armon/go-metrics"
	promsink "github.com/armon/go-metrics/prometheus"
)

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
	_, err = gometrics.NewGlobal(cfg, sink)
	return err
}
