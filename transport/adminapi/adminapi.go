// Package adminapi is a node's HTTP surface for operators and load
// balancers: GET /status, GET /health/leader (haproxy routes players to the
// node answering 200), GET /health/ready, and the admin calls POST
// /admin/transfer, /admin/takeover, /admin/join, /admin/remove and
// /admin/nodeinfo, which need the operator token. With Dev set it also
// serves POST /dev/tables and /dev/leave, which seat synthetic players for
// the end-to-end tests until the player border exists.
package adminapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/raftnode"
)

// Node is what the API needs of the Raft node.
type Node interface {
	ID() string
	Status() raftnode.Status
	IsLeader() bool
	// Transferring reports a leadership transfer away from this node
	// under way.
	Transferring() bool
	TransferLeadership(ctx context.Context, toID string) error
	AddVoter(ctx context.Context, id, addr string) error
	RemoveServer(ctx context.Context, id string) error
	ProposeCommand(ctx context.Context, cmd fsm.Command) (*fsm.Applied, error)
	Propose(ctx context.Context, data []byte) (any, error)
}

// Players is the player side of a node that the health check and a
// planned transfer need.
type Players interface {
	// Serving reports whether this node serves players now.
	Serving() bool
	// ExpectLead holds players' hellos on this node for up to hold, until
	// it leads and serves them; 0 ends a takeover.
	ExpectLead(hold time.Duration)
	// ExpectingLead reports whether a takeover holds hellos now.
	ExpectingLead() bool
}

// MaxTakeoverHold bounds the hold of POST /admin/takeover: a takeover
// whose transfer neither succeeds nor is called off keeps players waiting
// this long at most.
const MaxTakeoverHold = 10 * time.Second

// Config wires the API.
type Config struct {
	Node Node
	FSM  *fsm.FSM
	// AdminToken guards /admin/*. Empty refuses every admin call.
	AdminToken string
	// Players, when set, is the node's player server
	// (transport/session.Server). /health/leader then answers 200 only
	// while the node leads and serves players (its players' duty has
	// started after the leader's Barrier), so haproxy never sends players
	// to a new leader that would still turn them away, or while a planned
	// transfer to this node holds their hellos (POST /admin/takeover).
	Players Players
	// Dev enables the /dev/* endpoints.
	Dev    bool
	Logger *slog.Logger
	// CheckPeer, when set, must accept a joining node's Raft address
	// before it is added: with mutual TLS between the nodes it checks that
	// the address shows a certificate of the cluster's CA, so that a
	// stolen operator token alone cannot add a member.
	CheckPeer func(ctx context.Context, raftAddr string) error
}

// maxBody bounds every request body the API reads.
const maxBody = 64 << 10

// Handler returns the API's routes.
func Handler(cfg Config) http.Handler { return routes(cfg, true) }

// NodeHandler is Handler without the operator calls (transfer, remove):
// what a node's public HTTP address serves when the operator API has its
// own address. The calls the nodes make on each other (takeover, join,
// nodeinfo) stay, behind the token.
func NodeHandler(cfg Config) http.Handler { return routes(cfg, false) }

func routes(cfg Config, operator bool) http.Handler {
	a := &api{cfg: cfg, log: cfg.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", a.status)
	mux.HandleFunc("GET /health/leader", a.healthLeader)
	mux.HandleFunc("GET /health/ready", a.healthReady)
	mux.HandleFunc("GET /health/live", a.healthLive)
	if operator {
		mux.HandleFunc("POST /admin/transfer", a.admin(a.transfer))
		mux.HandleFunc("POST /admin/remove", a.admin(a.remove))
	}
	// A leader that stops hands over through its target's takeover
	// (HandOver), so the nodes call it on each other too.
	mux.HandleFunc("POST /admin/takeover", a.admin(a.takeover))
	mux.HandleFunc("POST /admin/join", a.admin(a.join))
	mux.HandleFunc("POST /admin/nodeinfo", a.admin(a.nodeInfo))
	if cfg.Dev {
		mux.HandleFunc("POST /dev/tables", a.devTables)
		mux.HandleFunc("POST /dev/leave", a.devLeave)
		mux.HandleFunc("POST /dev/bench", a.devBench)
	}
	return mux
}

type api struct {
	cfg Config
	log *slog.Logger
}

// Status is the JSON of GET /status.
type Status struct {
	raftnode.Status
	// LeaderHTTP is the leader's HTTP address as it published it ("" while
	// unknown).
	LeaderHTTP string `json:"leaderHttp,omitempty"`
	// FSMIndex is the last index the FSM applied.
	FSMIndex  uint64         `json:"fsmIndex"`
	Tables    int            `json:"tables"`
	Outbox    int            `json:"outbox"`
	StateHash string         `json:"stateHash"`
	Nodes     []fsm.NodeInfo `json:"nodes"`
}

// StatusOf builds the status of node and f.
func StatusOf(node Node, f *fsm.FSM) Status {
	s := Status{Status: node.Status(), FSMIndex: f.AppliedIndex(), Tables: f.TableCount(), Outbox: len(f.Outbox()), StateHash: f.StateHash(), Nodes: f.Nodes()}
	if n, ok := f.Node(s.LeaderID); ok {
		s.LeaderHTTP = n.HTTP
	}
	return s
}

func (a *api) status(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, StatusOf(a.cfg.Node, a.cfg.FSM))
}

// Health statuses of /health/leader.
const (
	HealthLeader      = "leader"      // 200: leads and serves players
	HealthTakingOver  = "takingOver"  // 200: a planned transfer comes here; hellos wait
	HealthHandingOver = "handingOver" // 503: leads, but transfers leadership away
	HealthNotLeader   = "not leader"  // 503
)

// healthLeader is haproxy's check: 200 where players should go now.
// During a planned transfer that is the target (it holds the hellos until
// it leads) and no longer the leader that hands over, so that haproxy,
// switched by the operator's tool, and its checks agree.
func (a *api) healthLeader(w http.ResponseWriter, _ *http.Request) {
	node, players := a.cfg.Node, a.cfg.Players
	id := node.ID()
	switch {
	case node.IsLeader() && node.Transferring():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": HealthHandingOver, "id": id})
	case node.IsLeader() && (players == nil || players.Serving()):
		writeJSON(w, http.StatusOK, map[string]string{"status": HealthLeader, "id": id})
	case players != nil && players.ExpectingLead():
		writeJSON(w, http.StatusOK, map[string]string{"status": HealthTakingOver, "id": id})
	default:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": HealthNotLeader})
	}
}

// healthLive answers 200 while the process serves HTTP: haproxy's check
// of the nodes it may send players to while none leads. A TCP check is
// not enough there: the kernel of a frozen process (SIGSTOP, a stalled
// VM, a long pause) still accepts connections, and a player routed to it
// would wait for it.
func (a *api) healthLive(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "live", "id": a.cfg.Node.ID()})
}

// Readiness is the answer of GET /health/ready.
type Readiness struct {
	Status  string `json:"status"` // "ready", "catching up", "no leader"
	ID      string `json:"id"`
	Applied uint64 `json:"applied"` // Raft's applied index
}

// healthReady answers 200 once the node knows a leader and has applied the
// log up to what it knows is committed. (Raft's applied index: the FSM's own
// does not count the entries it never sees.) It is cheap (no state hash):
// tablectl and a stopping leader ask it to rank the nodes that could lead.
func (a *api) healthReady(w http.ResponseWriter, _ *http.Request) {
	s := a.cfg.Node.Status()
	r := Readiness{Status: "ready", ID: s.ID, Applied: s.AppliedIndex}
	code := http.StatusOK
	switch {
	case s.LeaderID == "":
		r.Status, code = "no leader", http.StatusServiceUnavailable
	case s.AppliedIndex < s.CommitIndex:
		r.Status, code = "catching up", http.StatusServiceUnavailable
	}
	writeJSON(w, code, r)
}

// admin guards h with the operator token (Authorization: Bearer TOKEN),
// compared in constant time.
func (a *api) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if a.cfg.AdminToken == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.AdminToken)) != 1 {
			a.log.Warn("admin call refused: the operator token is missing or wrong", "path", r.URL.Path, "remote", r.RemoteAddr)
			writeError(w, http.StatusUnauthorized, "unauthorized", "the operator token is missing or wrong")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		h(w, r)
	}
}

func (a *api) transfer(w http.ResponseWriter, r *http.Request) {
	var req struct {
		To string `json:"to"`
	}
	if !decodeOptional(w, r, &req) {
		return
	}
	from := a.cfg.Node.ID()
	start := time.Now()
	if err := a.cfg.Node.TransferLeadership(r.Context(), req.To); err != nil {
		a.writeNodeError(w, "transfer", err)
		return
	}
	a.log.Info("leadership transferred", "node", from, "to", req.To, "took", time.Since(start))
	writeJSON(w, http.StatusOK, map[string]string{"from": from, "to": req.To})
}

// takeover prepares this node for a planned transfer of leadership to it
// (tablectl transfer calls it before it asks the leader and switches
// haproxy): players' hellos are held here for up to holdMs until it
// leads; holdMs 0 calls a takeover off.
func (a *api) takeover(w http.ResponseWriter, r *http.Request) {
	var req struct {
		HoldMs *int64 `json:"holdMs"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.HoldMs == nil || *req.HoldMs < 0 || *req.HoldMs > MaxTakeoverHold.Milliseconds() {
		writeError(w, http.StatusBadRequest, "badMessage", fmt.Sprintf("holdMs must be from 0 to %d", MaxTakeoverHold.Milliseconds()))
		return
	}
	if a.cfg.Players == nil {
		writeError(w, http.StatusConflict, "noPlayers", "this node serves no players (no --player-secret-file)")
		return
	}
	hold := time.Duration(*req.HoldMs) * time.Millisecond
	a.cfg.Players.ExpectLead(hold)
	expecting := a.cfg.Players.ExpectingLead()
	a.log.Info("planned takeover", "node", a.cfg.Node.ID(), "hold", hold, "expecting", expecting)
	writeJSON(w, http.StatusOK, map[string]any{"id": a.cfg.Node.ID(), "expecting": expecting})
}

func (a *api) join(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID   string `json:"id"`
		Addr string `json:"addr"`
		HTTP string `json:"http"`
		TCP  string `json:"tcp"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.ID == "" || req.Addr == "" {
		writeError(w, http.StatusBadRequest, "badMessage", "join needs id and addr")
		return
	}
	if a.cfg.CheckPeer != nil {
		if err := a.cfg.CheckPeer(r.Context(), req.Addr); err != nil {
			a.log.Warn("join refused: the node's Raft address failed the certificate check", "node", req.ID, "addr", req.Addr, "err", err)
			writeError(w, http.StatusForbidden, "untrustedPeer", "join refused: "+err.Error())
			return
		}
	}
	if err := a.cfg.Node.AddVoter(r.Context(), req.ID, req.Addr); err != nil {
		a.writeNodeError(w, "join", err)
		return
	}
	if req.HTTP != "" {
		if _, err := a.cfg.Node.ProposeCommand(r.Context(), fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: req.ID, HTTP: req.HTTP, TCP: req.TCP}}); err != nil {
			a.log.Warn("join: publishing node info failed", "node", req.ID, "err", err)
		}
	}
	a.log.Info("node joined", "node", req.ID, "addr", req.Addr)
	writeJSON(w, http.StatusOK, map[string]string{"joined": req.ID})
}

func (a *api) remove(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID string `json:"id"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.ID == "" {
		writeError(w, http.StatusBadRequest, "badMessage", "remove needs id")
		return
	}
	if err := a.cfg.Node.RemoveServer(r.Context(), req.ID); err != nil {
		a.writeNodeError(w, "remove", err)
		return
	}
	// Forget its addresses, so that status and clients stop pointing at it.
	if _, err := a.cfg.Node.ProposeCommand(r.Context(), fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: req.ID}}); err != nil {
		a.log.Warn("remove: forgetting the node's addresses failed", "node", req.ID, "err", err)
	}
	a.log.Info("node removed", "node", req.ID)
	writeJSON(w, http.StatusOK, map[string]string{"removed": req.ID})
}

// nodeInfo publishes a node's addresses through the log (followers call
// it on the leader; see Publish).
func (a *api) nodeInfo(w http.ResponseWriter, r *http.Request) {
	var info fsm.NodeInfo
	if !decode(w, r, &info) {
		return
	}
	if info.ID == "" {
		writeError(w, http.StatusBadRequest, "badMessage", "node info needs an id")
		return
	}
	if _, err := a.cfg.Node.ProposeCommand(r.Context(), fsm.Command{Op: fsm.OpNodeInfo, Node: info}); err != nil {
		a.writeNodeError(w, "nodeinfo", err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// DevSeat is a synthetic player and the table it sits at.
type DevSeat struct {
	Table  int64  `json:"table"`
	Player string `json:"player"`
}

// devTables creates Count tables, each for its own synthetic player
// (PLAYER-i) with Bots bots. The players never act: their turns run out
// after turnTimeoutMs and the bot plays for them, so the tables play on by
// themselves until /dev/leave.
func (a *api) devTables(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Player  string       `json:"player"`
		Game    game.Kind    `json:"game"`
		Options game.Options `json:"options"`
		Bots    int          `json:"bots"`
		Count   int          `json:"count"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if !decode(w, r, &req) {
		return
	}
	if req.Player == "" || req.Count < 1 || req.Count > 1000 {
		writeError(w, http.StatusBadRequest, "badMessage", "dev tables need a player and a count of 1 to 1000")
		return
	}
	var seats []DevSeat
	for i := 0; i < req.Count; i++ {
		player := fmt.Sprintf("%s-%d", req.Player, i)
		res, ok := a.devPropose(w, r, fsm.Command{Op: fsm.OpCreateTable, Player: player,
			Game: req.Game, Options: req.Options, Bots: req.Bots})
		if !ok {
			return
		}
		seats = append(seats, DevSeat{Table: res.Ack.Table, Player: player})
	}
	writeJSON(w, http.StatusOK, map[string]any{"seats": seats})
}

// devLeave makes synthetic players leave their tables: each table closes
// when its deal in progress ends.
func (a *api) devLeave(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Seats []DevSeat `json:"seats"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if !decode(w, r, &req) {
		return
	}
	for _, s := range req.Seats {
		if _, ok := a.devPropose(w, r, fsm.Command{Op: fsm.OpLeaveTable, Player: s.Player, Table: s.Table}); !ok {
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]int{"left": len(req.Seats)})
}

// devPropose proposes a synthetic player's command with a fresh seq (the
// clock's nanoseconds grow for every call) and answers the request with
// the error if it fails.
func (a *api) devPropose(w http.ResponseWriter, r *http.Request, cmd fsm.Command) (*fsm.Applied, bool) {
	cmd.Seq = uint64(time.Now().UnixNano())
	res, err := a.cfg.Node.ProposeCommand(r.Context(), cmd)
	if err != nil {
		a.writeNodeError(w, "dev", err)
		return nil, false
	}
	if res.Err != nil {
		writeError(w, http.StatusBadRequest, game.CodeOf(res.Err), res.Err.Error())
		return nil, false
	}
	return res, true
}

// writeNodeError maps the node's typed errors to HTTP answers with codes.
func (a *api) writeNodeError(w http.ResponseWriter, op string, err error) {
	var nl *raftnode.NotLeaderError
	switch {
	case errors.As(err, &nl):
		writeError(w, http.StatusMisdirectedRequest, "notLeader", fmt.Sprintf("%s: not the leader (leader: %s at %s)", op, nl.LeaderID, nl.LeaderAddr))
	case errors.Is(err, raftnode.ErrUnknownServer):
		writeError(w, http.StatusNotFound, "unknownServer", err.Error())
	default:
		a.log.Warn("admin call failed", "op", op, "err", err)
		writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error())
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "badMessage", "bad JSON body: "+err.Error())
		return false
	}
	return true
}

// decodeOptional accepts an empty body as "no options".
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength == 0 {
		return true
	}
	return decode(w, r, v)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
}
