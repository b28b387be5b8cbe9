package adminapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/raftnode"
)

// fakeNode is an in-process stand-in for the Raft node: these tests check
// the HTTP surface (routes, the token, error codes); e2e/ runs the real
// thing.
type fakeNode struct {
	leader       bool
	transferring bool
	transferred  string
	joined       string
	removed      string
	err          error
}

func (n *fakeNode) ID() string { return "n1" }
func (n *fakeNode) Status() raftnode.Status {
	s := raftnode.Status{ID: "n1", State: "follower", LeaderID: "n2", CommitIndex: 0}
	if n.leader {
		s.State, s.LeaderID = "leader", "n1"
	}
	return s
}
func (n *fakeNode) IsLeader() bool     { return n.leader }
func (n *fakeNode) Transferring() bool { return n.transferring }
func (n *fakeNode) TransferLeadership(_ context.Context, to string) error {
	n.transferred = to
	return n.err
}
func (n *fakeNode) AddVoter(_ context.Context, id, _ string) error { n.joined = id; return n.err }
func (n *fakeNode) RemoveServer(_ context.Context, id string) error {
	n.removed = id
	return n.err
}
func (n *fakeNode) ProposeCommand(context.Context, fsm.Command) (*fsm.Applied, error) {
	return &fsm.Applied{}, n.err
}
func (n *fakeNode) Propose(context.Context, []byte) (any, error) { return nil, n.err }

const token = "operator-token-0123456789"

func serve(t *testing.T, node *fakeNode, method, path, auth, body string) (int, map[string]any) {
	t.Helper()
	return serveConfig(Config{Node: node, FSM: fsm.New(nil), AdminToken: token}, method, path, auth, body)
}

// serveConfig answers one request with the API of cfg; auth is the
// Authorization header ("" = none).
func serveConfig(cfg Config, method, path, auth, body string) (int, map[string]any) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	Handler(cfg).ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func TestAdminCallsNeedTheOperatorToken(t *testing.T) {
	tests := []struct {
		name string
		auth string
	}{
		{"no header", ""},
		{"wrong token", "Bearer wrong-token-0123456789"},
		{"token without Bearer", token},
		{"prefix of the token", "Bearer " + token[:10]},
	}
	for _, path := range []string{"/admin/transfer", "/admin/takeover", "/admin/join", "/admin/remove", "/admin/nodeinfo"} {
		for _, tt := range tests {
			t.Run(path+" "+tt.name, func(t *testing.T) {
				node := &fakeNode{leader: true}
				code, body := serve(t, node, http.MethodPost, path, tt.auth, `{"id":"n3","addr":"x:1"}`)
				if code != http.StatusUnauthorized || body["code"] != "unauthorized" {
					t.Fatalf("got %d %v", code, body)
				}
				if node.transferred != "" || node.joined != "" || node.removed != "" {
					t.Fatal("an unauthorized call reached the node")
				}
			})
		}
	}
}

func TestAdminCalls(t *testing.T) {
	node := &fakeNode{leader: true}
	if code, body := serve(t, node, http.MethodPost, "/admin/transfer", "Bearer "+token, `{"to":"n2"}`); code != 200 || node.transferred != "n2" {
		t.Fatalf("transfer: %d %v", code, body)
	}
	if code, body := serve(t, node, http.MethodPost, "/admin/join", "Bearer "+token, `{"id":"n4","addr":"127.0.0.1:7004"}`); code != 200 || node.joined != "n4" {
		t.Fatalf("join: %d %v", code, body)
	}
	if code, body := serve(t, node, http.MethodPost, "/admin/remove", "Bearer "+token, `{"id":"n4"}`); code != 200 || node.removed != "n4" {
		t.Fatalf("remove: %d %v", code, body)
	}
}

func TestAdminCallErrors(t *testing.T) {
	tests := []struct {
		name, path, body string
		err              error
		status           int
		code             string
	}{
		{"bad json", "/admin/join", `{`, nil, 400, "badMessage"},
		{"unknown field", "/admin/remove", `{"id":"n2","force":true}`, nil, 400, "badMessage"},
		{"join without addr", "/admin/join", `{"id":"n4"}`, nil, 400, "badMessage"},
		{"not the leader", "/admin/transfer", ``, &raftnode.NotLeaderError{LeaderID: "n2", LeaderAddr: "127.0.0.1:7002"}, 421, "notLeader"},
		{"unknown server", "/admin/remove", `{"id":"n9"}`, raftnode.ErrUnknownServer, 404, "unknownServer"},
		{"raft failure", "/admin/transfer", ``, errors.New("boom"), 503, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := serve(t, &fakeNode{leader: true, err: tt.err}, http.MethodPost, tt.path, "Bearer "+token, tt.body)
			if code != tt.status || body["code"] != tt.code {
				t.Fatalf("got %d %v, want %d %s", code, body, tt.status, tt.code)
			}
		})
	}
}

func TestStatusAndReadiness(t *testing.T) {
	code, body := serve(t, &fakeNode{}, http.MethodGet, "/status", "", "")
	if code != 200 || body["id"] != "n1" || body["state"] != "follower" || body["stateHash"] == "" {
		t.Fatalf("status: %d %v", code, body)
	}
	if code, body := serve(t, &fakeNode{}, http.MethodGet, "/health/ready", "", ""); code != 200 || body["id"] != "n1" || body["status"] != "ready" {
		t.Fatalf("ready: %d %v", code, body)
	}
	if code, body := serve(t, &fakeNode{}, http.MethodGet, "/health/live", "", ""); code != 200 || body["id"] != "n1" || body["status"] != "live" {
		t.Fatalf("live: %d %v", code, body)
	}
}

func TestDevRoutesNeedDevMode(t *testing.T) {
	if code, _ := serve(t, &fakeNode{leader: true}, http.MethodPost, "/dev/tables", "", `{"player":"p","game":"schnapsen","count":1}`); code != http.StatusNotFound {
		t.Fatalf("dev route without --dev: %d", code)
	}
}

// fakePlayers stands in for the session server.
type fakePlayers struct {
	serving   bool
	expecting bool
	held      []time.Duration // ExpectLead calls
}

func (p *fakePlayers) Serving() bool { return p.serving }
func (p *fakePlayers) ExpectLead(hold time.Duration) {
	p.held = append(p.held, hold)
	p.expecting = hold > 0 && !p.serving
}
func (p *fakePlayers) ExpectingLead() bool { return p.expecting }

// serveWith answers one request with the operator token and players
// (nil = no player border).
func serveWith(node *fakeNode, players Players, method, path, body string) (int, map[string]any) {
	return serveConfig(Config{Node: node, FSM: fsm.New(nil), AdminToken: token, Players: players}, method, path, "Bearer "+token, body)
}

// TestHealthLeader: haproxy's check answers 200 where players should go
// now: the leader once it serves them, and the target of a planned
// transfer while it holds their hellos; never a leader that hands over.
func TestHealthLeader(t *testing.T) {
	tests := []struct {
		name    string
		node    fakeNode
		players *fakePlayers
		code    int
		status  string
	}{
		{"leader without a player border", fakeNode{leader: true}, nil, 200, HealthLeader},
		{"leader serving players", fakeNode{leader: true}, &fakePlayers{serving: true}, 200, HealthLeader},
		{"leader not yet serving (before its Barrier)", fakeNode{leader: true}, &fakePlayers{}, 503, HealthNotLeader},
		{"leader handing over", fakeNode{leader: true, transferring: true}, &fakePlayers{serving: true}, 503, HealthHandingOver},
		{"follower taking over", fakeNode{}, &fakePlayers{expecting: true}, 200, HealthTakingOver},
		{"new leader still holding hellos (before its Barrier)", fakeNode{leader: true}, &fakePlayers{expecting: true}, 200, HealthTakingOver},
		{"follower", fakeNode{}, &fakePlayers{}, 503, HealthNotLeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var players Players
			if tt.players != nil {
				players = tt.players
			}
			code, body := serveWith(&tt.node, players, http.MethodGet, "/health/leader", "")
			if code != tt.code || body["status"] != tt.status || (code == 200 && body["id"] != "n1") {
				t.Fatalf("got %d %v, want %d %q naming n1", code, body, tt.code, tt.status)
			}
		})
	}
}

func TestTakeover(t *testing.T) {
	players := &fakePlayers{}
	code, body := serveWith(&fakeNode{}, players, http.MethodPost, "/admin/takeover", `{"holdMs":2000}`)
	if code != 200 || body["expecting"] != true || len(players.held) != 1 || players.held[0] != 2*time.Second {
		t.Fatalf("takeover: %d %v, ExpectLead calls %v", code, body, players.held)
	}
	if code, body = serveWith(&fakeNode{}, players, http.MethodPost, "/admin/takeover", `{"holdMs":0}`); code != 200 || body["expecting"] != false {
		t.Fatalf("calling a takeover off: %d %v", code, body)
	}
}

func TestTakeoverErrors(t *testing.T) {
	tests := []struct {
		name, body string
		players    Players
		status     int
		code       string
	}{
		{"no hold", `{}`, &fakePlayers{}, 400, "badMessage"},
		{"empty body", ``, &fakePlayers{}, 400, "badMessage"},
		{"negative hold", `{"holdMs":-1}`, &fakePlayers{}, 400, "badMessage"},
		{"hold too long", `{"holdMs":10001}`, &fakePlayers{}, 400, "badMessage"},
		{"hold not a number", `{"holdMs":"2s"}`, &fakePlayers{}, 400, "badMessage"},
		{"unknown field", `{"holdMs":100,"to":"n2"}`, &fakePlayers{}, 400, "badMessage"},
		{"no player border", `{"holdMs":100}`, nil, 409, "noPlayers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := serveWith(&fakeNode{}, tt.players, http.MethodPost, "/admin/takeover", tt.body)
			if code != tt.status || body["code"] != tt.code {
				t.Fatalf("got %d %v, want %d %s", code, body, tt.status, tt.code)
			}
			if p, ok := tt.players.(*fakePlayers); ok && len(p.held) != 0 {
				t.Fatalf("a refused takeover reached the players: %v", p.held)
			}
		})
	}
}
