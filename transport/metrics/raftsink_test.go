package metrics_test

import (
	"strings"
	"testing"
	"time"

	gometrics "github.com/armon/go-metrics"

	"tableraft/transport/metrics"
)

// TestRaftSinkKeepsTheSummariesAndDropsThePerRPCSeries: raft's timers
// reach /metrics, except the ones taken per entry, RPC or disk write. The
// sink is process-wide: this is the only test in the package that
// installs it.
func TestRaftSinkKeepsTheSummariesAndDropsThePerRPCSeries(t *testing.T) {
	m := metrics.New()
	if err := m.InstallRaftSink(); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-3 * time.Millisecond)
	for _, key := range [][]string{
		{"raft", "commitTime"},
		{"raft", "fsm", "apply"},
		{"raft", "leader", "dispatchLog"},
		{"raft", "rpc", "appendEntries"},
		{"raft", "rpc", "appendEntries", "storeLogs"},
		{"raft", "boltdb", "storeLogs"},
		{"raft", "net", "getRPCType"},
		{"raft", "replication", "appendEntries", "rpc", "n2"},
		{"raft", "replication", "heartbeat", "n2"},
	} {
		gometrics.MeasureSince(key, start)
	}
	gometrics.IncrCounter([]string{"raft", "apply"}, 1)
	gometrics.AddSample([]string{"raft", "boltdb", "logSize"}, 120)

	out := scrape(t, m)
	for _, want := range []string{"raft_commitTime_count 1", "raft_fsm_apply_count 1", "raft_leader_dispatchLog_count 1", "raft_apply 1"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	for _, unwanted := range []string{"raft_rpc_", "raft_boltdb_", "raft_net_", "raft_replication_"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("%s series present, want them left out", unwanted)
		}
	}
}
