package adminapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/raftnode"
)

// handOverNode is a leader whose transfer fails for the targets in failTo.
type handOverNode struct {
	fakeNode
	failTo map[string]bool
	tried  []string
}

func (n *handOverNode) Status() raftnode.Status {
	s := n.fakeNode.Status()
	s.Servers = []raftnode.Server{{ID: "n1", Suffrage: "voter"}, {ID: "n4", Suffrage: "nonvoter"}, {ID: "n2", Suffrage: "voter"}, {ID: "n3", Suffrage: "voter"}}
	return s
}

func (n *handOverNode) TransferLeadership(_ context.Context, to string) error {
	n.tried = append(n.tried, to)
	if n.failTo[to] {
		return raftnode.ErrTransferFailed
	}
	n.leader = false
	return nil
}

// TestHandOver: a leader that stops asks the voter that has applied the
// most to take over, then transfers to it; a failed transfer calls that
// takeover off and tries the next voter; nonvoters are not asked.
func TestHandOver(t *testing.T) {
	tests := []struct {
		name   string
		failTo map[string]bool
		want   string   // the new leader ("" = none)
		calls  []string // takeover calls seen by the targets, in order
	}{
		{"the voter that applied the most takes over", nil, "n3", []string{"n3 3000"}},
		{"its transfer fails", map[string]bool{"n3": true}, "n2", []string{"n3 3000", "n3 0", "n2 3000"}},
		{"every transfer fails", map[string]bool{"n2": true, "n3": true}, "", []string{"n3 3000", "n3 0", "n2 3000", "n2 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var calls []string
			f := fsm.New(nil)
			applied := map[string]uint64{"n2": 40, "n3": 41, "n4": 50}
			for i, id := range []string{"n2", "n3", "n4"} {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/health/ready" {
						writeJSON(w, http.StatusOK, Readiness{Status: "ready", ID: id, Applied: applied[id]})
						return
					}
					body, _ := io.ReadAll(r.Body)
					if r.URL.Path != "/admin/takeover" || r.Header.Get("Authorization") != "Bearer "+token {
						http.Error(w, "unexpected call", http.StatusBadRequest)
						return
					}
					hold := strings.Trim(strings.TrimPrefix(strings.TrimSpace(string(body)), `{"holdMs":`), "}")
					mu.Lock()
					calls = append(calls, id+" "+hold)
					mu.Unlock()
					_, _ = w.Write([]byte(`{"id":"` + id + `","expecting":true}`))
				}))
				t.Cleanup(srv.Close)
				if _, err := f.ApplyCommand(uint64(i+1), fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: id, HTTP: strings.TrimPrefix(srv.URL, "http://")}}); err != nil {
					t.Fatal(err)
				}
			}
			node := &handOverNode{fakeNode: fakeNode{leader: true}, failTo: tt.failTo}
			got, err := HandOver(context.Background(), node, f, token, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if got != tt.want || (tt.want == "") != (err != nil) {
				t.Fatalf("HandOver = %q, %v; want %q", got, err, tt.want)
			}
			if tt.want == "" && !errors.Is(err, raftnode.ErrTransferFailed) {
				t.Errorf("error %v does not wrap the transfer's", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(calls, ", ") != strings.Join(tt.calls, ", ") {
				t.Errorf("takeover calls %v, want %v", calls, tt.calls)
			}
		})
	}
}

func TestHandOverOnAFollowerDoesNothing(t *testing.T) {
	node := &handOverNode{fakeNode: fakeNode{}}
	if got, err := HandOver(context.Background(), node, fsm.New(nil), token, slog.Default()); got != "" || err != nil || len(node.tried) != 0 {
		t.Fatalf("HandOver on a follower = %q, %v, tried %v", got, err, node.tried)
	}
}

// TestRankTargetsSkipsANodeThatDoesNotAnswer: a node cut off by a
// partition (its address takes the connection, never answers) is left
// out after rankTimeout instead of using up the caller's deadline, so the
// nodes asked after it are still ranked.
func TestRankTargetsSkipsANodeThatDoesNotAnswer(t *testing.T) {
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer silent.Close()
	ready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, Readiness{Status: "ready", ID: "n3", Applied: 7})
	}))
	defer ready.Close()
	servers := []raftnode.Server{{ID: "n1", Suffrage: "voter"}, {ID: "n2", Suffrage: "voter"}, {ID: "n3", Suffrage: "voter"}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	got := (&Client{}).RankTargets(ctx, []string{silent.URL, ready.URL}, servers, "n1")
	if len(got) != 1 || got[0].ID != "n3" || got[0].Applied != 7 || got[0].Base != ready.URL {
		t.Fatalf("RankTargets = %+v, want only n3 at %s", got, ready.URL)
	}
}
