package metrics_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/raftnode"
	"tableraft/transport/metrics"
)

// scrape returns the registry's text exposition.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestSeriesReadTheSources: the gauges read the sources at scrape time and
// the counters count what the node reports.
func TestSeriesReadTheSources(t *testing.T) {
	m := metrics.New()
	f := fsm.New(nil)
	var passed int
	listen := m.Listener(func(uint64, []fsm.TableEvent) { passed++ })
	m.Watch(metrics.Sources{
		Status: func() raftnode.Status {
			return raftnode.Status{State: "leader", Term: 3, LastLogIndex: 42, CommitIndex: 41, AppliedIndex: 40}
		},
		FSM:      f,
		Sessions: func() int { return 7 },
		Spool:    func() (int, int64, int) { return 2, 1024, 5 },
	})
	listen(1, []fsm.TableEvent{{Event: game.CardPlayed{}}, {Event: game.CardPlayed{}}, {Event: game.GameStarted{}}})
	m.Refused("unknownTable")
	m.Refused("unknownTable")
	m.Proposed(fsm.OpGame, 3*time.Millisecond, nil)
	m.Observe("duty", fsm.OpBotMove, time.Millisecond, errors.New("not leader"))

	out := scrape(t, m)
	for _, want := range []string{
		`tableraft_raft_state{state="leader"} 1`,
		`tableraft_raft_state{state="follower"} 0`,
		"tableraft_raft_term 3",
		"tableraft_raft_last_log_index 42",
		"tableraft_raft_commit_index 41",
		"tableraft_raft_applied_index 40",
		"tableraft_raft_last_contact_seconds 0",
		"tableraft_tables_active 0",
		"tableraft_outbox_length 0",
		"tableraft_players_connected 7",
		"tableraft_spool_files 2",
		"tableraft_spool_bytes 1024",
		"tableraft_spool_records 5",
		"tableraft_moves_total 2",
		"tableraft_table_events_total 3",
		`tableraft_refusals_total{code="unknownTable"} 2`,
		`tableraft_command_duration_seconds_count{op="game",source="player"} 1`,
		`tableraft_command_failures_total{source="duty"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	if passed != 1 {
		t.Errorf("the next listener was called %d times, want 1", passed)
	}
}

// TestNilSourcesAreLeftOut: a node without players or spool has no such
// series, and a nil next listener is fine.
func TestNilSourcesAreLeftOut(t *testing.T) {
	m := metrics.New()
	m.Watch(metrics.Sources{})
	m.Listener(nil)(1, []fsm.TableEvent{{Event: game.CardPlayed{}}})
	out := scrape(t, m)
	for _, absent := range []string{"tableraft_players_connected", "tableraft_spool_records", "tableraft_raft_term"} {
		if strings.Contains(out, absent) {
			t.Errorf("%s is served without its source", absent)
		}
	}
	if !strings.Contains(out, "tableraft_moves_total 1\n") {
		t.Error("moves not counted with a nil next listener")
	}
}
