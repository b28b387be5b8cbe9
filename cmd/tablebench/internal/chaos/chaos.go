// Package chaos runs tablebench's failover and chaos modes: a local
// cluster (package cluster), bot players on it (package bench), a nemesis
// that hurts it on a seeded schedule, and for chaos the checker (package
// check) over everything recorded.
package chaos

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/hashicorp/raft"
	"github.com/jackc/pgx/v5"

	"tableraft/cmd/tablebench/internal/bench"
	"tableraft/cmd/tablebench/internal/check"
	"tableraft/cmd/tablebench/internal/cluster"
	"tableraft/raftnode"
)

// Config configures a chaos or failover run.
type Config struct {
	Tableraftd string
	Dir        string
	Keep       bool
	Seed       uint64
	Duration   time.Duration
	Tables     int
	Think      time.Duration
	// Faults are the fault types the nemesis picks from (chaos), or
	// applies in turn (failover).
	Faults []string
	// Every is the failover mode's fault period; chaos draws its gaps
	// from GapMin..GapMax.
	Every          time.Duration
	GapMin, GapMax time.Duration
	// Isolate puts the nodes in network namespaces with tmpfs spools
	// (root): partitions and full disks become possible.
	Isolate bool
	// Postgres stores results in a PostgreSQL server started for the run.
	Postgres bool
	// BreakDedup starts deliberately broken nodes (the checker's test).
	BreakDedup bool
	// Impatience and Mischief: see bench.Config (chaos: unknown outcomes
	// and refusals among the clients' operations).
	Impatience, Mischief float64
	// NodeFlags are added to every node's flags.
	NodeFlags []string
	Progress  io.Writer
}

// Result is what a run measured and found.
type Result struct {
	Mode         string         `json:"mode"`
	Seed         uint64         `json:"seed"`
	Tables       int            `json:"tables"`
	Faults       []Fault        `json:"faults"`
	FaultsByType map[string]int `json:"faultsByType"`
	FaultErrors  int            `json:"faultErrors"`
	// PauseMs summarizes Fault.PauseMs per type: mean and max;
	// MedianPauseMs the same of Fault.MedianPauseMs.
	PauseMs       map[string][2]float64 `json:"pauseMs"`
	MedianPauseMs map[string][2]float64 `json:"medianPauseMs"`
	Load          bench.Summary         `json:"load"`
	Check         *check.Report         `json:"check,omitempty"`
}

// Run runs mode "chaos" or "failover".
func Run(ctx context.Context, mode string, cfg Config) (res Result, err error) {
	res = Result{Mode: mode, Seed: cfg.Seed, Tables: cfg.Tables, FaultsByType: map[string]int{}}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	// Snapshots as in production (a restarted node restores one and
	// replays the log after it), but no entry is ever compacted away: the
	// checker reads the whole history from every node's log.
	flags := append([]string{"--trailing-logs", "1000000000", "--bot-delay", "50ms", "--next-deal-delay", "200ms",
		"--player-rate", "1000", "--player-burst", "1000"}, cfg.NodeFlags...)
	ccfg := cluster.Config{Tableraftd: cfg.Tableraftd, Dir: cfg.Dir, Keep: cfg.Keep, Postgres: cfg.Postgres, Flags: flags}
	if cfg.Isolate {
		ccfg.Netns, ccfg.SpoolBytes = true, 2<<20
	}
	if cfg.BreakDedup {
		ccfg.Env = []string{"TABLERAFT_TEST_BREAK_DEDUP=1"}
	}
	fmt.Fprintf(progress, "tablebench %s: seed %d, %d tables, %s; starting the cluster in %s\n", mode, cfg.Seed, cfg.Tables, cfg.Duration, cfg.Dir)
	c, err := cluster.Start(ctx, ccfg)
	if err != nil {
		return res, err
	}
	defer c.Close()
	defer func() {
		// A failed run leaves its nodes' logs and data for a look.
		if err != nil || (res.Check != nil && res.Check.ViolationCount > 0) {
			fmt.Fprintf(progress, "the run failed; its directory stays: %s\n", c.Keep())
		}
	}()
	load, err := bench.Start(ctx, bench.Config{
		WS: []string{c.WS}, TCP: []string{c.TCP}, Tables: cfg.Tables, Game: "mix", Humans: 2, Think: cfg.Think,
		IgnoreHints: true, TurnTimeoutMs: 5000, MoveTimeout: 20 * time.Second, Seed: cfg.Seed,
		Impatience: cfg.Impatience, ImpatientTimeout: 250 * time.Millisecond, Mischief: cfg.Mischief,
		Token: func(_ context.Context, i int) (string, string, error) {
			name := fmt.Sprintf("bench-%d-p%d", cfg.Seed, i)
			tok, err := c.Keys.Mint(name, 24*time.Hour)
			return name, tok, err
		},
	})
	if err != nil {
		return res, err
	}
	defer load.Close()
	fmt.Fprintf(progress, "%d tables seated; playing with the nemesis for %s\n", cfg.Tables, cfg.Duration)

	tick := time.NewTicker(time.Second)
	stopTick := make(chan struct{})
	tickDone := make(chan struct{})
	go func() {
		defer close(tickDone)
		for {
			select {
			case <-stopTick:
				return
			case <-tick.C:
				fmt.Fprintln(progress, load.Stats.Tick(time.Second))
			}
		}
	}()

	nem := &nemesis{c: c, rng: rand.New(rand.NewPCG(cfg.Seed, 0x7ab1e4af7))}
	end := time.Now().Add(cfg.Duration)
	for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
		var gap time.Duration
		var typ string
		if mode == "failover" {
			gap, typ = cfg.Every, cfg.Faults[i%len(cfg.Faults)]
		} else {
			gap, typ = between(nem.rng, cfg.GapMin, cfg.GapMax), cfg.Faults[nem.rng.IntN(len(cfg.Faults))]
		}
		if mode == "failover" {
			// A control: the same pause measure at a calm moment, halfway
			// between faults (the players' own think and the bots' turns
			// are in every pause).
			sleep(ctx, gap/2)
			res.Faults = append(res.Faults, Fault{Type: Baseline, At: time.Now(), PauseMs: -1})
			gap -= gap / 2
		}
		sleep(ctx, gap)
		if !time.Now().Before(end) {
			break
		}
		if err := c.WaitServing(ctx, 30*time.Second); err != nil {
			fmt.Fprintf(progress, "nemesis: %v\n", err)
		}
		f := nem.apply(ctx, typ)
		res.Faults = append(res.Faults, f)
		res.FaultsByType[typ]++
		if f.Err != "" {
			res.FaultErrors++
		}
		fmt.Fprintf(progress, "nemesis: fault %d %s %s held %dms %s\n", len(res.Faults), f.Type, f.Node, f.HoldMs, f.Err)
	}
	if err := healAll(c); err != nil {
		fmt.Fprintf(progress, "heal: %v\n", err)
	}
	if err := c.WaitServing(ctx, 60*time.Second); err != nil {
		return res, err
	}
	sleep(ctx, 3*time.Second)
	load.Quiesce()
	close(stopTick)
	tick.Stop()
	<-tickDone
	res.Load = load.Stats.Summary()
	pauses(&res, load)
	fmt.Fprintf(progress, "load: %s\n", res.Load)
	if mode != "chaos" {
		return res, nil
	}

	// Settle: every player leaves, so every table closes when its deal
	// ends and nothing runs any more (no turn timers, no bots); every node
	// applies everything; the results reach PostgreSQL.
	if err := load.LeaveAll(ctx); err != nil {
		fmt.Fprintf(progress, "leave: %v\n", err)
	}
	waitClosed(ctx, c, progress)
	statuses, err := c.WaitConverged(ctx, 2*time.Minute)
	if err != nil {
		return res, err
	}
	waitDrained(ctx, c, progress)
	statuses, err = c.WaitConverged(ctx, time.Minute)
	if err != nil {
		return res, err
	}
	load.Close()
	in := check.Input{Ops: load.Ops(), Seen: load.Seen(), Hashes: map[string]string{}, Logs: map[string][]*raft.Log{}}
	for i, s := range statuses {
		in.Hashes[c.Nodes[i].ID] = s.StateHash
		in.HashIndex = s.FSMIndex
	}
	if c.PG != nil {
		if in.PG, in.PGRows, err = readPG(ctx, c.PG.URL); err != nil {
			return res, err
		}
	}
	c.Terminate()
	for _, n := range c.Nodes {
		logs, err := raftnode.ReadLog(n.Data)
		if err != nil {
			return res, err
		}
		in.Logs[n.ID] = logs
	}
	fmt.Fprintf(progress, "checking %d client operations, %d events received, %d log entries\n", len(in.Ops), len(in.Seen), len(in.Logs[c.Nodes[0].ID]))
	rep := check.Check(in)
	res.Check = &rep
	return res, nil
}

// waitClosed waits (bounded) until the leader holds no table.
func waitClosed(ctx context.Context, c *cluster.Cluster, progress io.Writer) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if l := c.Leader(ctx); l != nil {
			if s, err := c.Status(ctx, l); err == nil && s.Tables == 0 {
				return
			}
		}
		sleep(ctx, 250*time.Millisecond)
	}
	fmt.Fprintln(progress, "the tables did not all close within 2 minutes")
}

// waitDrained waits (bounded) until the outbox is empty and no node's
// spool holds a record.
func waitDrained(ctx context.Context, c *cluster.Cluster, progress io.Writer) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		done := true
		if l := c.Leader(ctx); l == nil {
			done = false
		} else if s, err := c.Status(ctx, l); err != nil || s.Outbox > 0 {
			done = false
		}
		for _, n := range c.Nodes {
			if v := c.Metric(n, "tableraft_spool_records"); v > 0 {
				done = false
			}
		}
		if done {
			return
		}
		sleep(ctx, 500*time.Millisecond)
	}
	fmt.Fprintln(progress, "results did not drain within 2 minutes")
}

// readPG reads every stored deal.
func readPG(ctx context.Context, url string) (map[string][]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, 0, fmt.Errorf("chaos: PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT game_id, result FROM games")
	if err != nil {
		return nil, 0, fmt.Errorf("chaos: PostgreSQL: %w", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	n := 0
	for rows.Next() {
		var id string
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, 0, err
		}
		out[id] = raw
		n++
	}
	return out, n, rows.Err()
}

// pauses computes, for every fault, the pause the clients saw: from the
// fault to the first acked move after it of the last player to get one
// (players with no ack within a minute after it are left out), and the
// median player's pause beside it.
func pauses(res *Result, load *bench.Load) {
	var acks [][]time.Time
	for _, p := range load.Players() {
		as := p.AckTimes()
		sort.Slice(as, func(i, j int) bool { return as[i].Before(as[j]) })
		acks = append(acks, as)
	}
	measurePauses(res, acks)
}

// measurePauses is pauses on each player's ack times, sorted.
func measurePauses(res *Result, acks [][]time.Time) {
	worst := map[string][]float64{}
	median := map[string][]float64{}
	for i := range res.Faults {
		f := &res.Faults[i]
		var waits []time.Duration
		for _, as := range acks {
			j := sort.Search(len(as), func(k int) bool { return as[k].After(f.At) })
			if j < len(as) && as[j].Sub(f.At) < time.Minute {
				waits = append(waits, as[j].Sub(f.At))
			}
		}
		if len(waits) == 0 {
			continue
		}
		slices.Sort(waits)
		f.PauseMs = ms(waits[len(waits)-1])
		f.MedianPauseMs = ms(waits[len(waits)/2])
		worst[f.Type] = append(worst[f.Type], f.PauseMs)
		median[f.Type] = append(median[f.Type], f.MedianPauseMs)
	}
	res.PauseMs = map[string][2]float64{}
	res.MedianPauseMs = map[string][2]float64{}
	for t := range worst {
		res.PauseMs[t] = meanMax(worst[t])
		res.MedianPauseMs[t] = meanMax(median[t])
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// meanMax returns the mean and the largest of xs (not empty).
func meanMax(xs []float64) [2]float64 {
	var total float64
	for _, x := range xs {
		total += x
	}
	return [2]float64{total / float64(len(xs)), slices.Max(xs)}
}

// TempDir makes the run's directory.
func TempDir(mode string) (string, error) { return os.MkdirTemp("", "tablebench-"+mode+"-") }
