// Command tablebench loads a Tableraft cluster with bot players and
// measures it; in its failover and chaos modes it starts a local cluster
// itself and hurts it. It only parses flags and wires the packages under
// internal/: bench (the players), cluster (local processes), chaos (the
// nemesis and the runs), check (the chaos checker).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"tableraft/cmd/tablebench/internal/bench"
	"tableraft/cmd/tablebench/internal/chaos"
	"tableraft/cmd/tablebench/internal/cluster"
	"tableraft/transport/auth"
)

const usage = `tablebench: bot players against a Tableraft cluster, and the proof that a
deal survives any single failure.

Usage:
  tablebench play     [--ws URL] [--tcp URL] (--dev | --secret-file FILE | --local) [--tables N] [--duration D | --deals N] [--think D]
  tablebench latency  [--ws URL] (--dev | --secret-file FILE | --local) [--duration D]
  tablebench failover [--tables N] [--duration D] [--faults transfer,kill-leader] [--every D]
  tablebench chaos    [--tables N] [--duration D] [--seed N] [--faults LIST]

Modes:
  play      N tables, each with two bot players over WebSocket and TCP
            (alternating; the other seats are server bots), against an address:
            haproxy or one node (or, with --local, a 3-node cluster behind
            haproxy that tablebench starts itself). Schafkopf and Schnapsen
            alternate.
  latency   one player at a Schafkopf table with three server bots, moves
            one after the other with no think time: the move-to-ack latency.
  failover  starts a local 3-node cluster (tableraftd, next to this binary or
            on PATH, and haproxy), runs the play load through haproxy and
            applies a fault every --every, in turn from --faults; reports the
            pause every fault caused: from the fault to the first acked move
            of the last player to get one, and of the median player (chaos
            reports both too).
  chaos     starts 3 nodes, haproxy and PostgreSQL; as root each node lives in
            its own network namespace with its results spool on a 2 MiB tmpfs.
            Bots play on --tables tables while a nemesis applies, at seeded
            random times, kill -9 of the leader or a follower (restarted),
            SIGSTOP of the leader for 1-5 s, a network partition of one node,
            leadership transfers, PostgreSQL stops, and a full spool disk. At
            the end the checker compares what every client sent and received
            with the nodes' Raft logs, their state hashes and PostgreSQL, and
            checks linearizability per table (porcupine). --impatience of the
            moves are given up after 250 ms (unknown outcomes), and with
            chance --mischief a player answers another seat's card with an
            out-of-turn pass (refusals). Exit status 1 on any violation. The seed is printed; --seed N repeats the schedule.

Every second a progress line: moves/s, ack latency p50/p99, moves, reconnects,
errors (refusals and unknown outcomes). At the end a summary; --json prints it
as JSON on stdout (progress goes to stderr).

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	ws, tcp, secretFile, guestURL, tableraftd, faults, dir   string
	dev, jsonOut, keep, breakDedup, noIsolate, local, direct bool
	tables, deals                                            int
	duration, think, every                                   time.Duration
	seed                                                     uint64
	impatience, mischief                                     float64
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			flags(&options{}, stderr).PrintDefaults()
			return 0
		}
		return 2
	}
	mode := args[0]
	var o options
	fs := flags(&o, stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var out any
	var failed bool
	var err error
	switch mode {
	case "play", "latency":
		out, err = playMode(ctx, mode, o, stderr)
	case "failover", "chaos":
		out, failed, err = clusterMode(ctx, mode, o, stderr)
	default:
		fmt.Fprintf(stderr, "tablebench: unknown mode %q\n\n%s", mode, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "tablebench:", err)
		return 1
	}
	if o.jsonOut {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(stdout, string(b))
	}
	if failed {
		return 1
	}
	return 0
}

func flags(o *options, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tablebench", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() { fmt.Fprint(w, usage); fs.PrintDefaults() }
	fs.StringVar(&o.ws, "ws", "ws://127.0.0.1:8080/ws", "play/latency: WebSocket address (haproxy or a node); empty: none")
	fs.StringVar(&o.tcp, "tcp", "tcp://127.0.0.1:9090", "play: TCP address (haproxy or a node); empty: none")
	fs.BoolVar(&o.local, "local", false, "play/latency: start a local 3-node cluster behind haproxy (like failover) and play against it instead of --ws/--tcp")
	fs.BoolVar(&o.direct, "direct", false, "play/latency with --local: the players dial the nodes and follow reconnect hints, not haproxy")
	fs.BoolVar(&o.dev, "dev", false, "play/latency: get guest tokens from POST /api/guest (the nodes run with --dev)")
	fs.StringVar(&o.secretFile, "secret-file", "", "play/latency: sign players' tokens with this player secret (--player-secret-file of the nodes)")
	fs.StringVar(&o.guestURL, "guest-url", "", "play/latency: the /api/guest URL (default: from --ws)")
	fs.IntVar(&o.tables, "tables", 100, "tables to seat (chaos: at least 200 is the acceptance run)")
	fs.IntVar(&o.deals, "deals", 0, "play: stop after this many deal results (0: run for --duration)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to play (after seating)")
	fs.DurationVar(&o.think, "think", 50*time.Millisecond, "each player's think time before a move (latency: 0)")
	fs.StringVar(&o.tableraftd, "tableraftd", "", "failover/chaos: the node binary (default: next to tablebench, else on PATH)")
	fs.StringVar(&o.faults, "faults", "", "failover: faults applied in turn (default transfer,kill-leader); chaos: the faults drawn from (default all: "+strings.Join(chaos.AllFaults, ",")+")")
	fs.DurationVar(&o.every, "every", 10*time.Second, "failover: time between faults")
	fs.Uint64Var(&o.seed, "seed", 0, "chaos/failover: the nemesis' seed (0: from the clock; printed either way)")
	fs.StringVar(&o.dir, "dir", "", "failover/chaos: the cluster's directory (default a new temp dir)")
	fs.BoolVar(&o.keep, "keep", false, "failover/chaos: keep the cluster's directory (logs, data) at the end")
	fs.BoolVar(&o.noIsolate, "no-isolate", false, "chaos: no network namespaces and tmpfs spools even as root (no partition, no full disk)")
	fs.BoolVar(&o.breakDedup, "break-dedup", false, "chaos: start deliberately broken nodes without command dedup (the checker must fail)")
	fs.Float64Var(&o.impatience, "impatience", 0.05, "chaos: share of moves given up after 250 ms (unknown outcomes)")
	fs.Float64Var(&o.mischief, "mischief", 0.02, "chaos: chance to answer another seat's card with an out-of-turn pass (refusals)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the summary as JSON on stdout")
	return fs
}

// playMode runs play or latency against an existing cluster.
func playMode(ctx context.Context, mode string, o options, log io.Writer) (bench.Summary, error) {
	cfg := bench.Config{Tables: o.tables, Game: "mix", Humans: 2, Think: o.think}
	if o.ws != "" {
		cfg.WS = []string{o.ws}
	}
	if o.tcp != "" && mode == "play" {
		cfg.TCP = []string{o.tcp}
	}
	if mode == "latency" {
		cfg.Tables, cfg.Game, cfg.Humans, cfg.Think = 1, "schafkopf", 1, 0
	}
	if o.local {
		c, err := startLocal(ctx, o, log)
		if err != nil {
			return bench.Summary{}, err
		}
		defer c.Close()
		cfg.WS, cfg.TCP, cfg.IgnoreHints = []string{c.WS}, []string{c.TCP}, true
		if o.direct {
			// The nodes themselves: the clients follow reconnect hints to
			// the leader, as without a load balancer.
			cfg.WS, cfg.TCP, cfg.IgnoreHints = c.Addrs("ws"), c.Addrs("tcp"), false
		}
		if mode == "latency" {
			cfg.TCP = nil
		}
		cfg.Token = func(_ context.Context, i int) (string, string, error) {
			name := fmt.Sprintf("bench-p%d", i)
			tok, err := c.Keys.Mint(name, 24*time.Hour)
			return name, tok, err
		}
	} else {
		tok, err := tokenSource(o)
		if err != nil {
			return bench.Summary{}, err
		}
		cfg.Token = tok
	}
	fmt.Fprintf(log, "tablebench %s: seating %d tables\n", mode, cfg.Tables)
	load, err := bench.Start(ctx, cfg)
	if err != nil {
		return bench.Summary{}, err
	}
	defer load.Close()
	end := time.Now().Add(o.duration)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for ctx.Err() == nil && (o.deals > 0 && load.Deals() < int64(o.deals) || o.deals == 0 && time.Now().Before(end)) {
		select {
		case <-ctx.Done():
		case <-t.C:
			fmt.Fprintln(log, load.Stats.Tick(time.Second))
		}
	}
	s := load.Stats.Summary() // before the wait for the moves in flight
	load.Quiesce()
	fmt.Fprintf(log, "%s; %d deals\n", s, load.Deals())
	return s, nil
}

// tokenSource mints tokens with the secret file, or asks for guests.
func tokenSource(o options) (func(context.Context, int) (string, string, error), error) {
	if o.secretFile != "" {
		keys, err := auth.ReadSecretFile(o.secretFile)
		if err != nil {
			return nil, err
		}
		prefix := fmt.Sprintf("bench-%d", time.Now().UnixNano()%1e9)
		return func(_ context.Context, i int) (string, string, error) {
			name := fmt.Sprintf("%s-p%d", prefix, i)
			tok, err := keys.Mint(name, 24*time.Hour)
			return name, tok, err
		}, nil
	}
	if !o.dev {
		return nil, errors.New("players need tokens: --dev (guest tokens) or --secret-file FILE")
	}
	url := o.guestURL
	if url == "" {
		if o.ws == "" {
			return nil, errors.New("--dev without --ws needs --guest-url")
		}
		url = strings.Replace(strings.TrimSuffix(o.ws, "/ws"), "ws", "http", 1) + "/api/guest"
	}
	return func(ctx context.Context, _ int) (string, string, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(nil))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", "", fmt.Errorf("guest token: %w", err)
		}
		defer resp.Body.Close()
		var g struct{ Player, Token string }
		if err := json.NewDecoder(resp.Body).Decode(&g); err != nil || g.Token == "" {
			return "", "", fmt.Errorf("guest token: %s (%v)", resp.Status, err)
		}
		return g.Player, g.Token, nil
	}, nil
}

// startLocal starts the cluster of --local: 3 nodes behind haproxy on
// loopback, results in the nodes' spools, server bots thinking 20 ms.
func startLocal(ctx context.Context, o options, log io.Writer) (*cluster.Cluster, error) {
	bin, err := nodeBinary(o)
	if err != nil {
		return nil, err
	}
	dir := o.dir
	if dir == "" {
		if dir, err = chaos.TempDir("play"); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "starting a local cluster in %s\n", dir)
	return cluster.Start(ctx, cluster.Config{Tableraftd: bin, Dir: dir, Keep: o.keep,
		Flags: []string{"--player-rate", "1000", "--player-burst", "1000", "--bot-delay", "20ms", "--next-deal-delay", "100ms"}})
}

// nodeBinary finds tableraftd: --tableraftd, next to tablebench, on PATH.
func nodeBinary(o options) (string, error) {
	if o.tableraftd != "" {
		return o.tableraftd, nil
	}
	if self, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(self), "tableraftd"); fileExists(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath("tableraftd")
	if err != nil {
		return "", errors.New("no tableraftd next to tablebench nor on PATH: --tableraftd PATH (make build)")
	}
	return p, nil
}

// clusterMode runs failover or chaos on a cluster of its own.
func clusterMode(ctx context.Context, mode string, o options, log io.Writer) (chaos.Result, bool, error) {
	bin, err := nodeBinary(o)
	if err != nil {
		return chaos.Result{}, false, err
	}
	seed := o.seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano() % 1_000_000)
	}
	dir := o.dir
	if dir == "" {
		d, err := chaos.TempDir(mode)
		if err != nil {
			return chaos.Result{}, false, err
		}
		dir = d
	}
	cfg := chaos.Config{Tableraftd: bin, Dir: dir, Keep: o.keep, Seed: seed, Duration: o.duration, Tables: o.tables,
		Think: o.think, Every: o.every, GapMin: 300 * time.Millisecond, GapMax: 1500 * time.Millisecond,
		BreakDedup: o.breakDedup, Progress: log}
	if o.faults != "" {
		cfg.Faults = strings.Split(o.faults, ",")
	}
	if mode == "failover" {
		if cfg.Faults == nil {
			cfg.Faults = []string{chaos.Transfer, chaos.KillLeader}
		}
	} else {
		cfg.Postgres = true
		cfg.Impatience, cfg.Mischief = o.impatience, o.mischief
		cfg.Isolate = os.Geteuid() == 0 && !o.noIsolate
		if cfg.Faults == nil {
			for _, f := range chaos.AllFaults {
				if cfg.Isolate || (f != chaos.Partition && f != chaos.DiskFull) {
					cfg.Faults = append(cfg.Faults, f)
				}
			}
		}
	}
	fmt.Fprintf(log, "tablebench %s: SEED=%d\n", mode, seed)
	res, err := chaos.Run(ctx, mode, cfg)
	if err != nil {
		return res, false, err
	}
	applied := 0
	for _, n := range res.FaultsByType {
		applied += n
	}
	fmt.Fprintf(log, "faults: %d %v (%d failed to apply)\n", applied, res.FaultsByType, res.FaultErrors)
	for t, p := range res.PauseMs {
		m := res.MedianPauseMs[t]
		fmt.Fprintf(log, "pause after %s: mean %.0fms max %.0fms; the median player's: mean %.0fms max %.0fms\n", t, p[0], p[1], m[0], m[1])
	}
	failed := false
	if r := res.Check; r != nil {
		fmt.Fprintf(log, "checked: %d log entries (%d player commands, %d deduped retries); client ops %d acked, %d refused, %d unknown (%d of them applied); %d events received; %d deals, %d rows in PostgreSQL; %d tables linearizable, %d undecided; state hash %.12s\n",
			r.LogEntries, r.PlayerEntries, r.Duplicates, r.Acked, r.Refused, r.Unknown, r.UnknownApplied, r.EventsSeen, r.Deals, r.PGRows, r.Linearizable, r.LinUnknown, r.StateHash)
		for _, v := range r.Violations {
			fmt.Fprintln(log, "VIOLATION:", v)
		}
		fmt.Fprintf(log, "%d violations (seed %d)\n", r.ViolationCount, seed)
		failed = r.ViolationCount > 0
	}
	return res, failed, nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
