package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tableraft/transport/adminapi"
	"tableraft/transport/client"
)

// The player benchmarks run on 3 plain tableraftd processes on loopback,
// like the others in bench_test.go. Run them one at a time:
//
//	go test -run '^$' -bench 'Players|IdleConnections' -benchtime 1x -timeout 30m -v ./e2e/
//
// Their figures go into docs/BENCHMARKS.md.

// BenchmarkPlayersWS: Schnapsen tables whose two seats are both played by
// clients over WebSocket (autoplay: each answers its prompts at once),
// 100 and 1,000 tables at a time. It reports the acknowledged moves per
// second and the move-to-ack latency percentiles over a 15 s window, and
// beside them raw raft and FSM Propose on the leader at the same
// concurrency (one proposer per table), measured on the same processes.
func BenchmarkPlayersWS(b *testing.B) {
	pc := newPlayerCluster(b, 3, "--max-conns-per-ip", "0", "--player-rate", "10000", "--player-burst", "10000", "--next-deal-delay", "20ms")
	for _, tables := range []int{100, 1000} {
		b.Run(fmt.Sprintf("tables=%d", tables), func(b *testing.B) {
			for b.Loop() {
				benchTables(b, pc, tables)
			}
		})
	}
}

func benchTables(b *testing.B, pc *playerCluster, tables int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	leader := pc.waitLeader(10 * time.Second)
	first := 0
	for i, nd := range pc.nodes {
		if nd == leader {
			first = i
		}
	}
	type tableSeats struct {
		id    int64
		seats []*seat
	}
	all := make([]*tableSeats, tables)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	var failed sync.Once
	var failure error
	run := fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000)
	for i := range all {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ts := &tableSeats{}
			for h := 0; h < 2; h++ {
				s := pc.connectBuffered(ctx, fmt.Sprintf("b%s-%d-%d", run, i, h), "ws", first, 64, false)
				req := client.CreateTable("schnapsen", 0, client.Options{TurnTimeoutMs: 30000})
				if h == 1 {
					req = client.JoinTable(ts.id)
				}
				ack, err := s.c.Do(ctx, req)
				if err != nil {
					failed.Do(func() { failure = err })
					return
				}
				if h == 0 {
					ts.id = ack.Table
				}
				ts.seats = append(ts.seats, s)
			}
			all[i] = ts
		}(i)
	}
	wg.Wait()
	if failure != nil {
		b.Fatal(failure)
	}
	time.Sleep(3 * time.Second) // warm-up: every table deals and plays
	pids := map[string]int{"bench": os.Getpid()}
	for _, nd := range pc.nodes {
		role := "follower"
		if nd == leader {
			role = "leader"
		}
		pids[role+"-"+nd.id] = nd.cmd.Process.Pid
	}
	cpuBefore := cpuTimes(b, pids)
	startIndex := fsmIndex(b, pc, leader)
	writesBefore := leaderWrites(b, leader)
	from := time.Now()
	profiledLeader := profileNode(b, leader, fmt.Sprintf("leader-%d", tables))
	profiledFollower := profileNode(b, pc.nodes[(first+1)%len(pc.nodes)], fmt.Sprintf("follower-%d", tables))
	time.Sleep(15 * time.Second)
	to := time.Now()
	cpuAfter := cpuTimes(b, pids)
	entries := fsmIndex(b, pc, leader) - startIndex
	writes := leaderWrites(b, leader) - writesBefore
	<-profiledLeader
	<-profiledFollower
	var lat []time.Duration
	for _, ts := range all {
		for _, s := range ts.seats {
			for _, a := range s.p.Acks() {
				if a.At.After(from) && !a.At.After(to) {
					lat = append(lat, a.Latency)
				}
			}
		}
	}
	// Everyone leaves; wait for the tables to close before the next run.
	for _, ts := range all {
		for _, s := range ts.seats {
			lctx, lcancel := context.WithTimeout(ctx, 30*time.Second)
			_, _ = s.c.Do(lctx, client.LeaveTable(ts.id))
			lcancel()
			s.c.Close()
		}
	}
	waitFor(b, 120*time.Second, "every table to close", func() bool {
		st, err := pc.status(leader)
		return err == nil && st.Tables == 0
	})
	if len(lat) == 0 {
		b.Fatal("no move was acknowledged in the window")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(lat))/to.Sub(from).Seconds(), "moves/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.90), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	// What a move costs: Raft entries and CPU time of each process (the
	// two cores are shared by the three nodes and the clients).
	b.ReportMetric(float64(entries)/float64(len(lat)), "entries/move")
	if writes > 0 {
		b.ReportMetric(float64(entries)/writes, "move-entries/batch")
	}
	moveCPU := reportCPU(b, cpuBefore, cpuAfter, len(lat), "move")

	// Raw raft and the FSM at the same concurrency, on the same leader.
	for _, raw := range []bool{true, false} {
		var res adminapi.BenchResult
		before, writesBefore := cpuTimes(b, pids), leaderWrites(b, leader)
		pc.post(leader, "/dev/bench", map[string]any{"proposers": tables, "count": min(100*tables, 30000), "raw": raw}, &res)
		after, writes := cpuTimes(b, pids), leaderWrites(b, leader)-writesBefore
		name := "fsm"
		if raw {
			name = "raw"
		}
		if res.Errors > 0 {
			b.Logf("%s: %d of %d proposals failed (leadership moved?)", name, res.Errors, res.Commits+res.Errors)
		}
		b.ReportMetric(res.CommitsPerSec, name+"-commits/s")
		b.ReportMetric(res.P50Ms, name+"-p50-ms")
		if writes > 0 {
			b.ReportMetric(float64(res.Commits+res.Errors)/writes, name+"-entries/batch")
		}
		if raw && res.Commits > 0 {
			// The goal's ratio with the clients' CPU left out: what the
			// three nodes spend on a raw commit (its proposer runs in the
			// leader) over what they spend on a move. It is the ratio the
			// goal would read if the load came from other cores and the
			// nodes' CPU were the limit.
			rawCPU := reportCPU(b, before, after, res.Commits, "raw")
			b.ReportMetric(rawCPU.Seconds()/moveCPU.Seconds(), "nodes-cpu-raw/move")
		}
	}
}

// leaderWrites is how many batches of entries the leader has written to
// its log and handed to replication (raft's dispatchLog timer, one per
// batch): entries over batches is the batching raft found, which decides
// what each entry pays of a disk sync and an AppendEntries round.
func leaderWrites(b *testing.B, leader *node) float64 {
	return scrape(b, leader)["raft_leader_dispatchLog_count"]
}

// reportCPU reports the CPU time the leader, a follower (the mean of the
// followers) and the benchmark's clients used per unit ("move" or "raw",
// a raw commit) between two cpuTimes readings, and returns what the three
// nodes used per unit together.
func reportCPU(b *testing.B, before, after map[string]time.Duration, units int, unit string) time.Duration {
	var nodes, followers time.Duration
	nFollowers := 0
	for name, t := range after {
		used := t - before[name]
		switch {
		case name == "bench":
			if unit == "move" {
				b.ReportMetric(float64(used.Microseconds())/float64(units), "clients-cpu-us/"+unit)
			}
			continue
		case strings.HasPrefix(name, "leader"):
			b.ReportMetric(float64(used.Microseconds())/float64(units), "leader-cpu-us/"+unit)
		default:
			followers += used
			nFollowers++
		}
		nodes += used
	}
	if nFollowers > 0 {
		b.ReportMetric(float64(followers.Microseconds())/float64(units)/float64(nFollowers), "follower-cpu-us/"+unit)
	}
	return nodes / time.Duration(units)
}

// BenchmarkIdleConnections: 5,000 WebSocket connections that said hello
// and stay idle, on the leader. It reports the leader's resident memory
// growth per connection (VmRSS from /proc, after the connections are
// up, minus before).
func BenchmarkIdleConnections(b *testing.B) {
	pc := newPlayerCluster(b, 3, "--max-conns-per-ip", "0") // thousands of clients from 127.0.0.1
	leader := pc.waitLeader(10 * time.Second)
	const n = 5000
	for b.Loop() {
		before := rss(b, leader.cmd.Process.Pid)
		conns := make([]*websocket.Conn, 0, n)
		tok, _ := pc.keys.Mint("idle", time.Hour)
		hello := []byte(fmt.Sprintf(`{"type":"hello","token":%q}`, tok))
		for i := 0; i < n; i++ {
			c, _, err := websocket.DefaultDialer.Dial("ws://"+leader.httpAddr+"/ws", nil)
			if err != nil {
				b.Fatalf("connection %d: %v", i, err)
			}
			if err := c.WriteMessage(websocket.TextMessage, hello); err != nil {
				b.Fatal(err)
			}
			if _, m, err := c.ReadMessage(); err != nil || !strings.Contains(string(m), "welcome") {
				b.Fatalf("connection %d: %s %v", i, m, err)
			}
			conns = append(conns, c)
		}
		time.Sleep(2 * time.Second) // let the server settle (GC, buffers)
		after := rss(b, leader.cmd.Process.Pid)
		b.ReportMetric(float64(after-before)/n/1024, "KB/conn")
		b.ReportMetric(float64(after)/(1<<20), "leader-rss-MB")
		for _, c := range conns {
			c.Close()
		}
	}
}

// fsmIndex is the last index nd's FSM applied.
func fsmIndex(b *testing.B, pc *playerCluster, nd *node) uint64 {
	st, err := pc.status(nd)
	if err != nil {
		b.Fatal(err)
	}
	return st.FSMIndex
}

// cpuTimes reads the user+system CPU time each named process has used
// (from /proc/<pid>/stat, in clock ticks of 10 ms).
func cpuTimes(b *testing.B, pids map[string]int) map[string]time.Duration {
	used := make(map[string]time.Duration, len(pids))
	for name, pid := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatal(err)
		}
		// The command name (field 2) may hold spaces; count after its ')'.
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		used[name] = time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return used
}

// rss reads a process's resident set size in bytes.
func rss(b *testing.B, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// profileNode takes a 10 s CPU profile of nd into the folder
// TABLERAFT_BENCH_PROFILE names (the nodes must run with
// TABLERAFT_PPROF=1), as <name>.pprof, and its mutex and block profiles
// after it; without the folder, nothing. The returned channel closes when
// the profiles are written.
func profileNode(b *testing.B, nd *node, name string) <-chan struct{} {
	done := make(chan struct{})
	dir := os.Getenv("TABLERAFT_BENCH_PROFILE")
	if dir == "" {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		defer func() {
			for _, kind := range []string{"mutex", "block"} {
				if resp, err := http.Get(nd.base() + "/debug/pprof/" + kind); err == nil {
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					_ = os.WriteFile(filepath.Join(dir, name+"."+kind+".pprof"), body, 0o644)
				}
			}
		}()
		resp, err := http.Get(nd.base() + "/debug/pprof/profile?seconds=10")
		if err != nil {
			b.Logf("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s (run with TABLERAFT_PPROF=1)", resp.Status)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".pprof"), body, 0o644)
		}
		if err != nil {
			b.Logf("profile: %v", err)
		}
	}()
	return done
}
