package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/raftnode"
	"tableraft/transport/adminapi"
)

// fakeCluster is three in-process stand-ins for the nodes' HTTP API, with
// the state a transfer moves through, and a log of the calls that change
// something. The e2e tests run tablectl transfer against real nodes and a
// real haproxy; this one checks the order of its steps and its failure
// path, which a real cluster rarely shows.
type fakeCluster struct {
	mu      sync.Mutex
	leader  string
	applied map[string]uint64
	// handing is the node whose transfer runs; expecting the takeover.
	handing, expecting string
	calls              []string
	transferErr        bool // the leader's transfer fails
	urls               map[string]string
}

func newFakeCluster(t *testing.T) *fakeCluster {
	fc := &fakeCluster{leader: "n1", applied: map[string]uint64{"n1": 12, "n2": 10, "n3": 12}, urls: map[string]string{}}
	for _, id := range []string{"n1", "n2", "n3"} {
		srv := httptest.NewServer(fc.node(id))
		t.Cleanup(srv.Close)
		fc.urls[id] = srv.URL
	}
	return fc
}

func (fc *fakeCluster) log(call string) {
	fc.calls = append(fc.calls, call)
}

func (fc *fakeCluster) node(id string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		fc.mu.Lock()
		defer fc.mu.Unlock()
		s := adminapi.Status{Status: raftnode.Status{ID: id, State: "follower", Term: 4, LeaderID: fc.leader}}
		if id == fc.leader {
			s.State = "leader"
		}
		for _, n := range []string{"n1", "n2", "n3"} {
			s.Servers = append(s.Servers, raftnode.Server{ID: n, Suffrage: "voter"})
		}
		_ = json.NewEncoder(w).Encode(s)
	})
	mux.HandleFunc("GET /health/ready", func(w http.ResponseWriter, _ *http.Request) {
		fc.mu.Lock()
		defer fc.mu.Unlock()
		_ = json.NewEncoder(w).Encode(adminapi.Readiness{Status: "ready", ID: id, Applied: fc.applied[id]})
	})
	mux.HandleFunc("GET /health/leader", func(w http.ResponseWriter, _ *http.Request) {
		fc.mu.Lock()
		defer fc.mu.Unlock()
		status, code := adminapi.HealthNotLeader, 503
		switch {
		case id == fc.leader && id == fc.handing:
			status = adminapi.HealthHandingOver
		case id == fc.leader:
			status, code = adminapi.HealthLeader, 200
		case id == fc.expecting:
			status, code = adminapi.HealthTakingOver, 200
		}
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(adminapi.Health{Status: status, ID: id})
	})
	mux.HandleFunc("POST /admin/takeover", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ HoldMs int64 }
		_ = json.NewDecoder(r.Body).Decode(&req)
		fc.mu.Lock()
		defer fc.mu.Unlock()
		fc.log(id + " takeover " + map[bool]string{true: "on", false: "off"}[req.HoldMs > 0])
		fc.expecting = map[bool]string{true: id, false: ""}[req.HoldMs > 0]
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "expecting": req.HoldMs > 0})
	})
	mux.HandleFunc("POST /admin/transfer", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ To string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		fc.mu.Lock()
		fc.log(id + " transfer to " + req.To)
		fc.handing = id
		fc.mu.Unlock()
		// The transfer runs a while: tablectl switches haproxy meanwhile
		// (if it does not, the calls show it).
		for end := time.Now().Add(5 * time.Second); !strings.Contains(fc.haproxyCalls(), "health up") && time.Now().Before(end); {
			time.Sleep(time.Millisecond)
		}
		fc.mu.Lock()
		defer fc.mu.Unlock()
		fc.handing = ""
		if fc.transferErr {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]string{"code": "unavailable", "message": "leadership transfer timeout"})
			return
		}
		fc.leader, fc.expecting = req.To, ""
		_ = json.NewEncoder(w).Encode(map[string]string{"from": id, "to": req.To})
	})
	return mux
}

// haproxyCalls returns the runtime API lines in the call log.
func (fc *fakeCluster) haproxyCalls() string {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var out []string
	for _, c := range fc.calls {
		if strings.HasPrefix(c, "set server") {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
}

// runtimeAPI answers haproxy's runtime API on a unix socket, any number of
// connections, logging each command line into fc's calls.
func (fc *fakeCluster) runtimeAPI(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "api.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			line, _ := bufio.NewReader(conn).ReadString('\n')
			fc.mu.Lock()
			fc.log(strings.TrimSpace(line))
			fc.mu.Unlock()
			conn.Close()
		}
	}()
	return path
}

func TestTransferMovesThePlayersFirst(t *testing.T) {
	tests := []struct {
		name        string
		transferErr bool
		code        int
		want        []string // the calls, in order
		leader      string
	}{
		{"the transfer succeeds", false, exitOK, []string{
			"n3 takeover on",
			"n1 transfer to n3",
			"set server leader_http/n3 health up; set server leader_http/n1 health down",
		}, "n3"},
		{"the transfer fails: takeover off, haproxy back", true, exitFailure, []string{
			"n3 takeover on",
			"n1 transfer to n3",
			"set server leader_http/n3 health up; set server leader_http/n1 health down",
			"n3 takeover off",
			"set server leader_http/n1 health up; set server leader_http/n3 health down",
		}, "n1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeCluster(t)
			fc.transferErr = tt.transferErr
			api := fc.runtimeAPI(t)
			token := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(token, []byte("operator-token-0123456789\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			addrs := fc.urls["n1"] + "," + fc.urls["n2"] + "," + fc.urls["n3"]
			code, out, errOut := runMain([]string{"transfer", "--addr", addrs, "--admin-token-file", token, "--proxy", "", "--haproxy-api", api}, "")
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			fc.mu.Lock()
			defer fc.mu.Unlock()
			if got := strings.Join(fc.calls, "\n"); got != strings.Join(tt.want, "\n") {
				t.Errorf("calls:\n%s\nwant (n3 has applied the most):\n%s\nstdout: %s", got, strings.Join(tt.want, "\n"), out)
			}
			if fc.leader != tt.leader || fc.expecting != "" {
				t.Errorf("leader %s, expecting %q after the transfer; want %s and no takeover", fc.leader, fc.expecting, tt.leader)
			}
		})
	}
}
