// Command tableraftd is one Tableraft node: a Raft member that applies
// every table's state transitions and, while it leads, runs the tables'
// timers and bots. It only parses flags and wires packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"tableraft/fsm"
	"tableraft/fsm/duty"
	"tableraft/raftnode"
	"tableraft/transport/adminapi"
)

const usage = `tableraftd runs one Tableraft node.

Usage:
  tableraftd --id n1 --data DIR --raft-addr 127.0.0.1:7001 --http-addr 127.0.0.1:8001 \
             --bootstrap n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003 \
             --admin-token-file FILE

Every flag can also be set by an environment variable: --raft-addr is
TABLERAFT_RAFT_ADDR, and so on (the flag wins). The first start of a new
cluster names all members with --bootstrap on every node; a node added later
starts with --join URL (any member's HTTP address) instead. Later starts need
neither: the membership is in the data directory.

HTTP (on --http-addr): GET /status, GET /health/leader (haproxy's check:
200 on the leader once it serves players, and on the target of a planned
transfer while it holds their hellos; 503 on a leader handing over), GET
/health/ready, GET /health/live (200 while the process answers; haproxy's
check of the fallback), POST /admin/transfer|takeover|join|remove (operator token
as "Authorization: Bearer TOKEN"), GET /metrics
(Prometheus). Players (with
--player-secret-file): WebSocket at GET /ws, TCP lines on --tcp-addr, and
with --dev POST /api/guest for a guest token. With --admin-addr the
operator API (status, health, metrics, /admin/*) listens there, over HTTPS
with --admin-tls-cert-file; of /admin/* --http-addr then keeps only the
calls the nodes make on each other (/admin/join, /admin/nodeinfo).

Security (docs/SECURITY.md): --tls-ca-file, --tls-cert-file and
--tls-key-file make Raft traffic mutual TLS (tablectl certs makes a CA and
node certificates); secrets come from files or the environment only
(--admin-token-file, --player-secret-file, --pg-file or TABLERAFT_PG), and
a --pg URL with a password is refused.

SIGTERM or SIGINT: a leader hands leadership to another node first (the
target takes the players over as with tablectl transfer), then the node
stops.

Flags:
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tableraftd:", err)
		os.Exit(1)
	}
}

type options struct {
	id, data, raftAddr, raftAdvertise, httpAddr string
	bootstrap, join, adminTokenFile, logLevel   string
	logStore                                    string
	dev                                         bool
	heartbeat, election, lease, catchUpGrace    time.Duration
	snapshotThreshold, trailingLogs             uint64
	botDelay, nextDealDelay, snapshotInterval   time.Duration
	results                                     resultsOptions  // results.go
	players                                     playerOptions   // players.go
	security                                    securityOptions // security.go
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("tableraftd", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.id, "id", env("ID", ""), "this node's stable id (n1)")
	fs.StringVar(&o.data, "data", env("DATA", ""), "data directory (Raft log, snapshots)")
	fs.StringVar(&o.raftAddr, "raft-addr", env("RAFT_ADDR", "127.0.0.1:7001"), "address the Raft transport listens on")
	fs.StringVar(&o.raftAdvertise, "raft-advertise", env("RAFT_ADVERTISE", ""), "address other nodes dial for Raft (default --raft-addr)")
	fs.StringVar(&o.httpAddr, "http-addr", env("HTTP_ADDR", "127.0.0.1:8001"), "address of the HTTP API (status, health, admin)")
	fs.StringVar(&o.bootstrap, "bootstrap", env("BOOTSTRAP", ""), "initial members on first start: id=raftaddr,id=raftaddr,...")
	fs.StringVar(&o.join, "join", env("JOIN", ""), "join an existing cluster through this member's HTTP URL on first start")
	fs.StringVar(&o.adminTokenFile, "admin-token-file", env("ADMIN_TOKEN_FILE", ""), "file holding the operator token for /admin (required)")
	fs.StringVar(&o.logLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.BoolVar(&o.dev, "dev", envBool("DEV"), "development mode: the /dev/* endpoints for tests and benchmarks, and guest tokens at POST /api/guest")
	fs.DurationVar(&o.heartbeat, "heartbeat-timeout", envDuration("HEARTBEAT_TIMEOUT", raftnode.DefaultHeartbeatTimeout), "Raft heartbeat timeout")
	fs.DurationVar(&o.election, "election-timeout", envDuration("ELECTION_TIMEOUT", raftnode.DefaultElectionTimeout), "Raft election timeout")
	fs.DurationVar(&o.lease, "leader-lease-timeout", envDuration("LEADER_LEASE_TIMEOUT", raftnode.DefaultLeaderLeaseTimeout), "Raft leader lease timeout")
	fs.DurationVar(&o.catchUpGrace, "catch-up-grace", envDuration("CATCH_UP_GRACE", raftnode.DefaultCatchUpGrace), "how long a new leader may take to apply its log before it hands leadership to a caught-up follower (negative: never)")
	fs.Uint64Var(&o.snapshotThreshold, "snapshot-threshold", uint64(envInt("SNAPSHOT_THRESHOLD", raftnode.DefaultSnapshotThreshold)), "log entries between snapshots")
	fs.Uint64Var(&o.trailingLogs, "trailing-logs", uint64(envInt("TRAILING_LOGS", raftnode.DefaultTrailingLogs)), "log entries kept after a snapshot (a lagging follower catches up from them instead of a snapshot)")
	fs.StringVar(&o.logStore, "log-store", env("LOG_STORE", raftnode.LogStoreWAL), "the Raft log store of a new data directory: wal (append-only segments, one fsync a batch) or bolt (BoltDB); a directory that holds one keeps it")
	fs.DurationVar(&o.snapshotInterval, "snapshot-interval", envDuration("SNAPSHOT_INTERVAL", raftnode.DefaultSnapshotInterval), "how often to check --snapshot-threshold (randomized 1x-2x); a restarted node replays the log since its last snapshot")
	fs.DurationVar(&o.botDelay, "bot-delay", envDuration("BOT_DELAY", duty.DefaultConfig.BotDelay), "bots' think time before a move")
	fs.DurationVar(&o.nextDealDelay, "next-deal-delay", envDuration("NEXT_DEAL_DELAY", duty.DefaultConfig.NextDealDelay), "pause between a result and the next deal")
	o.results.register(fs)
	o.players.register(fs)
	o.security.register(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	pg, err := pgURL(fs, o.results)
	if err != nil {
		return o, err
	}
	o.results.pg = pg
	if err := o.security.validate(); err != nil {
		return o, err
	}
	switch {
	case o.id == "":
		return o, errors.New("--id is required")
	case o.data == "":
		return o, errors.New("--data is required")
	case o.adminTokenFile == "":
		return o, errors.New("--admin-token-file is required")
	case o.bootstrap != "" && o.join != "":
		return o, errors.New("--bootstrap and --join exclude each other")
	}
	return o, nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	base := newLogger(o.logLevel)
	log := base.With("node", o.id)
	applyTestHooks(log) // testhook.go: the chaos checker's deliberately broken build
	token, err := readSecret(o.adminTokenFile)
	if err != nil {
		return err
	}
	peers, err := parsePeers(o.bootstrap)
	if err != nil {
		return err
	}
	raftTLS, err := o.security.raftTLS()
	if err != nil {
		return err
	}
	if raftTLS == nil {
		log.Warn("no --tls-ca-file: Raft traffic between the nodes is plain TCP, for a trusted network only")
	}

	players, err := newPlayerBorder(o.players, log)
	if err != nil {
		return err
	}
	mx := newMetrics(log) // metrics.go: GET /metrics
	players.obs = mx
	state := fsm.New(mx.Listener(players.listener()))
	node, err := raftnode.Open(raftnode.Config{
		ID: o.id, DataDir: o.data, RaftAddr: o.raftAddr, AdvertiseAddr: o.raftAdvertise,
		Bootstrap: peers, HeartbeatTimeout: o.heartbeat, ElectionTimeout: o.election,
		LeaderLeaseTimeout: o.lease, CatchUpGrace: o.catchUpGrace, SnapshotThreshold: o.snapshotThreshold, SnapshotInterval: o.snapshotInterval, TrailingLogs: o.trailingLogs, LogStore: o.logStore, Logger: base,
		TLS: raftTLS,
	}, state)
	if err != nil {
		return fmt.Errorf("open raft node: %w", err)
	}
	dutyCfg := duty.DefaultConfig
	dutyCfg.BotDelay, dutyCfg.NextDealDelay = o.botDelay, o.nextDealDelay
	node.AddDuty(raftnode.Duty{Name: "tables", Run: func(ctx context.Context) {
		duty.Run(ctx, dutyCfg, state, mx.propose(node), raftnode.NewSeed, log)
	}})
	stopResults, spool, err := startResults(o, node, state, log) // results.go: the result writer
	if err != nil {
		_ = node.Close()
		return err
	}
	defer stopResults()

	if err := players.start(o.id, node, state); err != nil {
		_ = node.Close()
		return err
	}
	mx.watch(node, state, players, spool)
	ln, err := net.Listen("tcp", o.httpAddr)
	if err != nil {
		_ = node.Close()
		return fmt.Errorf("listen http: %w", err)
	}
	apiCfg := adminapi.Config{Node: node, FSM: state, AdminToken: token, Players: players.players(), Dev: o.dev, Logger: log, CheckPeer: peerCheck(raftTLS)}
	api := adminapi.Handler(apiCfg)
	var adminSrv *http.Server
	if o.security.adminAddr != "" {
		// The operator API moves to its own address; the public one keeps
		// what the nodes call on each other.
		if adminSrv, err = serveAdmin(o.security, mx.routes(api), log); err != nil {
			_ = node.Close()
			return err
		}
		api = adminapi.NodeHandler(apiCfg)
	}
	srv := &http.Server{
		Handler:           mx.routes(players.routes(api, o.dev)),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	// Only addresses and switches are logged: never a token, key or URL
	// with credentials.
	log.Info("node started", "raft", node.Addr(), "http", o.httpAddr, "admin", o.security.adminAddr, "raft_tls", raftTLS != nil, "bootstrap", len(peers) > 0)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	self := fsm.NodeInfo{ID: o.id, HTTP: o.httpAddr, TCP: players.tcpAddr()}
	if o.join != "" {
		go joinCluster(ctx, o.join, token, o.id, node.Addr(), self, log)
	}
	go adminapi.Publish(ctx, node, state, self, token, time.Second, log)

	<-ctx.Done()
	log.Info("stopping: handing over leadership if leader")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if to, err := adminapi.HandOver(shutdownCtx, node, state, token, log); err != nil {
		log.Warn("hand-over with the players failed; a plain transfer follows", "err", err)
	} else if to != "" {
		// haproxy cuts the players' sessions when its checks see the
		// switch; exiting first would cut them before it has switched.
		players.awaitHandedOver(shutdownCtx)
		log.Info("leadership handed over", "to", to)
	}
	if err := node.Shutdown(shutdownCtx); err != nil {
		log.Warn("raft shutdown", "err", err)
	}
	players.close()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if adminSrv != nil {
		if err := adminSrv.Shutdown(shutdownCtx); err != nil {
			log.Warn("admin shutdown", "err", err)
		}
	}
	log.Info("node stopped")
	return nil
}

// parsePeers reads "n1=127.0.0.1:7001,n2=...".
func parsePeers(s string) ([]raftnode.Peer, error) {
	if s == "" {
		return nil, nil
	}
	var peers []raftnode.Peer
	for _, part := range strings.Split(s, ",") {
		id, addr, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || id == "" || addr == "" {
			return nil, fmt.Errorf("--bootstrap: %q is not id=host:port", part)
		}
		peers = append(peers, raftnode.Peer{ID: id, Addr: addr})
	}
	return peers, nil
}

func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 16 {
		return "", fmt.Errorf("admin token in %s is shorter than 16 characters", path)
	}
	return tok, nil
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
