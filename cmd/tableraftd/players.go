package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"tableraft/fsm"
	"tableraft/raftnode"
	"tableraft/transport/adminapi"
	"tableraft/transport/auth"
	"tableraft/transport/hub"
	"tableraft/transport/session"
	"tableraft/transport/tcp"
	"tableraft/transport/web"
	"tableraft/transport/ws"
)

// playerOptions are the flags of the player border.
type playerOptions struct {
	tcpAddr, secretFile string
	rate                float64
	burst               int
	guard               guardOptions // security.go
}

func (p *playerOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&p.tcpAddr, "tcp-addr", env("TCP_ADDR", ""), "address of the players' TCP port (one JSON object a line); empty: none")
	fs.StringVar(&p.secretFile, "player-secret-file", env("PLAYER_SECRET_FILE", ""), "file holding the HMAC secret of the players' tokens, the same on every node; empty: no player border")
	fs.Float64Var(&p.rate, "player-rate", envFloat("PLAYER_RATE", session.DefaultLimits.Rate), "messages per second a player connection may send")
	fs.IntVar(&p.burst, "player-burst", envInt("PLAYER_BURST", session.DefaultLimits.Burst), "burst of a player connection's message rate")
	p.guard.register(fs)
}

// playerBorder is the node's player border: the hub that fans events out,
// the sessions (served while this node leads), WebSocket at /ws of the
// HTTP address, the TCP port, and in dev mode POST /api/guest.
type playerBorder struct {
	opts playerOptions
	log  *slog.Logger
	keys *auth.Keys // nil: no border
	grd  *guards    // origin, per-address and timeout checks (security.go)
	hub  *hub.Hub
	srv  *session.Server
	ln   net.Listener
	stop context.CancelFunc
	obs  session.Observer // the node's metrics; may be nil
}

// newPlayerBorder reads the secret; without one the node serves no
// players (and says so).
func newPlayerBorder(o playerOptions, log *slog.Logger) (*playerBorder, error) {
	pb := &playerBorder{opts: o, log: log}
	if o.secretFile == "" {
		log.Warn("no --player-secret-file: this node serves no players")
		return pb, nil
	}
	keys, err := auth.ReadSecretFile(o.secretFile)
	if err != nil {
		return nil, err
	}
	if keys, err = keys.WithAudience(o.guard.audience); err != nil {
		return nil, err
	}
	if pb.grd, err = newGuards(o.guard); err != nil {
		return nil, err
	}
	pb.keys, pb.hub = keys, hub.New(log)
	return pb, nil
}

// listener is the FSM's event listener (nil without a border).
func (pb *playerBorder) listener() fsm.Listener {
	if pb.hub == nil {
		return nil
	}
	return pb.hub.Listener
}

// start wires the border to the node: the hub reads the FSM, the sessions
// serve while this node leads (a leader duty), the TCP port listens.
func (pb *playerBorder) start(id string, node *raftnode.Node, state *fsm.FSM) error {
	if pb.grd != nil {
		// Pages served by any node of the cluster may open /ws here.
		pb.grd.origins = pb.grd.origins.WithPeers(func() []string {
			var hosts []string
			for _, n := range state.Nodes() {
				hosts = append(hosts, n.HTTP)
			}
			return hosts
		})
	}
	if pb.keys == nil {
		return nil
	}
	lim := session.DefaultLimits
	lim.Rate, lim.Burst = pb.opts.rate, pb.opts.burst
	lim = pb.grd.limits(lim)
	pb.hub.Attach(state)
	pb.srv = session.New(session.Config{NodeID: id, Node: node, FSM: state, Hub: pb.hub, Keys: pb.keys, Limits: lim, Logger: pb.log, Observer: pb.obs})
	ctx, cancel := context.WithCancel(context.Background())
	pb.stop = cancel
	go pb.hub.Run(ctx)
	node.AddDuty(raftnode.Duty{Name: "players", Run: pb.srv.Lead})
	if pb.opts.tcpAddr != "" {
		ln, err := net.Listen("tcp", pb.opts.tcpAddr)
		if err != nil {
			cancel()
			return fmt.Errorf("listen tcp (players): %w", err)
		}
		pb.ln = ln
		go func() {
			if err := tcp.ServeWith(ln, pb.srv, pb.grd.tcp()); err != nil {
				pb.log.Error("tcp players", "err", err)
			}
		}()
	}
	return nil
}

// tcpAddr is the TCP address this node publishes for players.
func (pb *playerBorder) tcpAddr() string {
	if pb.keys == nil {
		return ""
	}
	return pb.opts.tcpAddr
}

// routes serves /ws, the web client (the page at GET /, its files under
// web.AssetPrefix) and in dev mode POST /api/guest beside the admin API,
// which keeps every other path.
func (pb *playerBorder) routes(admin http.Handler, dev bool) http.Handler {
	if pb.keys == nil {
		return admin
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ws", ws.HandlerWith(pb.srv, pb.grd.ws()))
	mux.Handle("GET /{$}", web.Page())
	mux.Handle("GET "+web.AssetPrefix, web.Assets())
	if dev {
		mux.HandleFunc("POST /api/guest", pb.guest)
	}
	mux.Handle("/", admin)
	return mux
}

// guestTTL is how long a guest token lasts.
const guestTTL = 24 * time.Hour

// guest mints a token for a fresh guest player (dev mode only).
func (pb *playerBorder) guest(w http.ResponseWriter, _ *http.Request) {
	player := auth.GuestPlayer()
	tok, err := pb.keys.Mint(player, guestTTL)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": "unavailable", "message": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"player": player, "token": tok, "expires": time.Now().Add(guestTTL).UTC().Format(time.RFC3339)})
}

// close tells the remaining players to reconnect elsewhere and stops the
// border. The node's shutdown has ended the players duty already (every
// session got reconnect with the new leader's address).
func (pb *playerBorder) close() {
	if pb.keys == nil {
		return
	}
	if pb.ln != nil {
		if err := pb.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			pb.log.Warn("close tcp (players)", "err", err)
		}
	}
	pb.srv.Close()
	pb.stop()
}

// awaitHandedOver waits until the sessions of a leadership this node
// handed over have ended (session.Server.AwaitHandedOver).
func (pb *playerBorder) awaitHandedOver(ctx context.Context) {
	if pb.srv != nil {
		pb.srv.AwaitHandedOver(ctx)
	}
}

// players is the player side /health/leader and /admin/takeover use;
// nil without a player border (then leading is enough).
func (pb *playerBorder) players() adminapi.Players {
	if pb.srv == nil {
		return nil
	}
	return pb.srv
}
