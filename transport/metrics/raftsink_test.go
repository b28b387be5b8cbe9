package metrics_test

import (
	"strings"
	"testing"
	"time"

	gometrics "github.com/armon/go-metrics"

	"tableraft/transport/metrics"
)

// TestRaftSinkKeepsTheTimersAsHistogramsAndDropsThePerRPCSeries: raft's
// timers reach /metrics as histograms in ms (a 3 ms sample counts in the
// 5 ms bucket, not in the 2.5 ms one; a timer started 3 ms ago is not
// counted in ns or s), except the ones taken per entry,
// RPC or disk write. The
// sink is process-wide: this is the only test in the package that
// installs it.
func TestRaftSinkKeepsTheTimersAsHistogramsAndDropsThePerRPCSeries(t *testing.T) {
	m := metrics.New()
	if err := m.InstallRaftSink(); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-3 * time.Millisecond)
	for _, key := range [][]string{
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
	gometrics.AddSample([]string{"raft", "commitTime"}, 3) // ms
	gometrics.AddSampleWithLabels([]string{"raft", "peer", "rtt"}, 1, []gometrics.Label{{Name: "to", Value: "n2"}, {Name: "from", Value: "n1"}})
	gometrics.IncrCounter([]string{"raft", "apply"}, 1)
	gometrics.AddSample([]string{"raft", "boltdb", "logSize"}, 120)

	out := scrape(t, m)
	for _, want := range []string{"raft_commitTime_count 1", `raft_commitTime_bucket{le="5"} 1`, `raft_commitTime_bucket{le="2.5"} 0`,
		"# TYPE raft_commitTime histogram", `raft_peer_rtt_count{from="n1",to="n2"} 1`, "raft_fsm_apply_count 1", `raft_fsm_apply_bucket{le="2.5"} 0`, "raft_leader_dispatchLog_count 1", "raft_apply 1"} {
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
