package e2e

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMetricsScrape plays a few bot tables on a 3-node cluster and checks
// every node's GET /metrics: Raft term and indexes, exactly one leader,
// tables, moves and raft's own apply timer on the leader.
func TestMetricsScrape(t *testing.T) {
	c := newCluster(t, 3)
	leader := c.waitLeader(10 * time.Second)
	startBotTables(c, leader, "e2e-metrics", 3)
	waitFor(t, 20*time.Second, "moves on the leader", func() bool {
		return scrape(t, leader)["tableraft_moves_total"] > 10
	})

	leaders := 0
	for _, nd := range c.nodes {
		m := scrape(t, nd)
		for _, name := range []string{"tableraft_raft_term", "tableraft_raft_last_log_index", "tableraft_raft_commit_index",
			"tableraft_raft_applied_index", "tableraft_raft_last_contact_seconds", "tableraft_tables_active",
			"tableraft_outbox_length", "tableraft_spool_records", "tableraft_table_events_total"} {
			if _, ok := m[name]; !ok {
				t.Errorf("%s: %s missing", nd.id, name)
			}
		}
		if m["tableraft_raft_term"] < 1 {
			t.Errorf("%s: term %v", nd.id, m["tableraft_raft_term"])
		}
		if m[`tableraft_raft_state{state="leader"}`] == 1 {
			leaders++
		}
		if m["tableraft_tables_active"] != 3 {
			t.Errorf("%s: %v tables active, want 3", nd.id, m["tableraft_tables_active"])
		}
		if m["tableraft_outbox_length"] < 0 || m["tableraft_raft_applied_index"] < 1 {
			t.Errorf("%s: outbox %v, applied %v", nd.id, m["tableraft_outbox_length"], m["tableraft_raft_applied_index"])
		}
	}
	if leaders != 1 {
		t.Errorf("%d nodes report the leader state, want 1", leaders)
	}
	m := scrape(t, leader)
	if m[`tableraft_raft_state{state="leader"}`] != 1 {
		t.Errorf("the leader %s does not report the leader state", leader.id)
	}
	if m[`tableraft_command_duration_seconds_count{op="botMove",source="duty"}`] < 1 {
		t.Errorf("no duty botMove timed on the leader")
	}
	if m["raft_commitTime_count"] < 1 || m["raft_apply"] < 1 {
		t.Errorf("raft's own metrics are missing on the leader: raft_commitTime_count %v, raft_apply %v", m["raft_commitTime_count"], m["raft_apply"])
	}
}

// scrape reads nd's /metrics into series (name with labels as written)
// and value.
func scrape(t testing.TB, nd *node) map[string]float64 {
	t.Helper()
	resp, err := http.Get(nd.base() + "/metrics")
	if err != nil {
		t.Fatalf("scrape %s: %v", nd.id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s", nd.id, resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			out[line[:i]] = v
		}
	}
	return out
}
