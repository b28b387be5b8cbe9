package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// haproxyConfig is deploy/local/haproxy.cfg, the file `make run` uses,
// with the test's addresses in place of make run's: the test checks the
// configuration operators get, timings and all.
func haproxyConfig(t testing.TB, pc *playerCluster, httpFront, tcpFront, apiSocket string) string {
	t.Helper()
	b, err := os.ReadFile("../deploy/local/haproxy.cfg")
	if err != nil {
		t.Fatalf("read haproxy config: %v", err)
	}
	subst := []string{"127.0.0.1:8080", httpFront, "127.0.0.1:9090", tcpFront, "${TABLERAFT_HAPROXY_API}", apiSocket}
	for i, nd := range pc.nodes {
		if want := fmt.Sprintf("n%d", i+1); nd.id != want {
			t.Fatalf("haproxy config names nodes n1..n3, node %d is %s", i, nd.id)
		}
		subst = append(subst,
			fmt.Sprintf("127.0.0.1:%d", 8001+i), nd.httpAddr,
			fmt.Sprintf("127.0.0.1:%d", 9001+i), pc.tcp[nd])
	}
	cfg := strings.NewReplacer(subst...).Replace(string(b))
	// The test runs haproxy in the foreground (-db) with its log, times
	// included, in a file.
	cfg = strings.Replace(cfg, "log stdout format raw", "log stdout format iso", 1)
	return strings.Replace(cfg, "maxconn 9000", "maxconn 4000", 1)
}

// startHaproxy runs haproxy in front of pc as a child process (stopped,
// by its pid, when the test ends), points pc's clients at its frontends
// only and returns its HTTP address.
// The nodes must believe its PROXY headers: start them with
// --trusted-proxies 127.0.0.1.
func startHaproxy(t testing.TB, pc *playerCluster) string {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Skip("haproxy is not installed (make test installs it)")
	}
	front := freeAddrs(t, 2)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "haproxy.cfg")
	pc.haproxyAPI = filepath.Join(dir, "haproxy.sock")
	if err := os.WriteFile(cfg, []byte(haproxyConfig(t, pc, front[0], front[1], pc.haproxyAPI)), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "haproxy.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if keep := os.Getenv("TABLERAFT_KEEP_LOGS"); keep != "" {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				_ = os.WriteFile(filepath.Join(keep, "haproxy.log"), b, 0o644)
			}
		}
	})
	waitFor(t, 10*time.Second, "haproxy to route to the leader", func() bool {
		resp, err := http.Get("http://" + front[0] + "/health/leader")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	pc.via = map[string]string{"ws": "ws://" + front[0] + "/ws", "tcp": "tcp://" + front[1]}
	return front[0]
}

// faultPauses is what runHaproxyFailover measured: per fault kind
// ("transfer", "kill", and "none" for instants without one), the pause of
// each, in order (firstAcksAfter), and under kind+"/strict" the strict
// figure.
type faultPauses map[string][]time.Duration

// runHaproxyFailover starts three nodes (with flags) behind haproxy, seats
// 52 tables whose players connect only to haproxy's ports (WebSocket and
// TCP alternating), and during play makes transfers `tablectl transfer
// --proxy`, kills kill -9 of the leader and stops SIGTERM of the leader
// (restarting it after either), in the order of faultSchedule. For each
// fault it measures, per client,
// the time from the fault to the client's first move acknowledged after
// it by the new leader, and keeps the largest: the fault's pause
// (firstAcksAfter, which also gives the strict figure). At the end
// every client must have reconnected at every fault, and finishTables
// checks the streams, the acked moves, the results and the state hashes.
func runHaproxyFailover(t testing.TB, transfers, kills, stops int, flags ...string) faultPauses {
	pc := newPlayerCluster(t, 3, append([]string{"--player-rate", "1000", "--player-burst", "1000", "--trusted-proxies", "127.0.0.1"}, flags...)...)
	proxy := startHaproxy(t, pc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	tables := pc.seatTables(t, ctx, 26)
	var seats []*seat
	for _, tb := range tables {
		seats = append(seats, tb.seats...)
	}
	t.Logf("%d tables, %d players connected through haproxy", len(tables), len(seats))
	waitDeals(t, tables, 1)

	pauses := faultPauses{}
	for _, kind := range faultSchedule(transfers, kills, stops) {
		leader := pc.waitLeader(10 * time.Second)
		// The same figure at an instant without a fault: a player's
		// next move waits for the others' moves, the bots and the next
		// deal, so this is the floor a fault's pause is measured against.
		counted := ackCounts(seats)
		pause, strict := firstAcksAfter(t, seats, time.Now(), counted, "")
		pauses["none"] = append(pauses["none"], pause)
		pauses["none/strict"] = append(pauses["none/strict"], strict)
		var at time.Time
		before := ackCounts(seats)
		switched := proxySwitch(proxy, leader.id)
		served := servedElsewhere(seats, leader.id)
		switch kind {
		case "kill":
			at = time.Now()
			pc.kill(leader)
		case "stop":
			at = time.Now()
			pc.stop(leader)
		default:
			var started time.Time
			var out string
			started, at, out = pc.transfer(t, proxy)
			t.Logf("tablectl transfer (started %s before it asked the leader):\n%s", at.Sub(started).Round(time.Millisecond), out)
		}
		pause, strict = firstAcksAfter(t, seats, at, before, leader.id)
		t.Logf("haproxy answered from the new leader after %s", (<-switched).Sub(at).Round(time.Millisecond))
		var back []time.Duration
		for _, when := range <-served {
			back = append(back, when.Sub(at))
		}
		slices.Sort(back)
		t.Logf("per player, served by another node after: min %s, median %s, max %s", back[0].Round(time.Millisecond),
			back[len(back)/2].Round(time.Millisecond), back[len(back)-1].Round(time.Millisecond))
		pauses[kind] = append(pauses[kind], pause)
		pauses[kind+"/strict"] = append(pauses[kind+"/strict"], strict)
		t.Logf("%s of the leader %s: every player's first acked move after %s (one sent after it: %s)", kind, leader.id,
			pause.Round(time.Millisecond), strict.Round(time.Millisecond))
		if kind != "transfer" {
			// The next fault comes once it has caught up (applied what
			// the leader committed), as a rolling restart waits for it
			// (docs/OPERATIONS.md): a node still replaying its log makes
			// the next fault a double one.
			pc.restart(leader)
			waitFor(t, 30*time.Second, "the restarted node to catch up", func() bool {
				resp, err := http.Get(leader.base() + "/health/ready")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode == http.StatusOK
			})
		}
		time.Sleep(300 * time.Millisecond)
	}

	for _, s := range seats {
		if n := s.c.Reconnects(); n < transfers+kills+stops {
			t.Errorf("%s reconnected %d times through haproxy, want at least %d (one a fault)", s.player, n, transfers+kills+stops)
		}
	}
	finishTables(ctx, t, pc, tables)
	return pauses
}

// faultSchedule orders the faults: transfer, transfer, kill, stop, and
// again, each kind while it has some left.
func faultSchedule(transfers, kills, stops int) []string {
	left := map[string]int{"transfer": transfers, "kill": kills, "stop": stops}
	var out []string
	for len(out) < transfers+kills+stops {
		for _, kind := range []string{"transfer", "transfer", "kill", "stop"} {
			if left[kind] > 0 {
				out = append(out, kind)
				left[kind]--
			}
		}
	}
	return out
}

// stop sends the leader SIGTERM, as systemctl stop does, and waits until
// it has exited (it hands leadership and its players over first).
func (pc *playerCluster) stop(nd *node) {
	_ = nd.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-nd.exited:
	case <-time.After(15 * time.Second):
		pc.t.Errorf("%s did not stop within 15 s of SIGTERM", nd.id)
		pc.kill(nd)
	}
}

// transfer runs `tablectl transfer --proxy` and returns when it started,
// the instant it asked the leader to step down (when it printed its
// first line, "leader is ...; transferring", just before the request),
// and its output. The fault of a transfer is that request: the time
// tablectl spends starting and finding the leader before it (50-150 ms)
// touches no player.
func (pc *playerCluster) transfer(t testing.TB, proxy string) (started, asked time.Time, out string) {
	t.Helper()
	var addrs []string
	for _, nd := range pc.nodes {
		addrs = append(addrs, nd.base())
	}
	cmd := exec.Command(filepath.Join(binDir, "tablectl"), "transfer", "--proxy", "http://"+proxy, "--haproxy-api", pc.haproxyAPI,
		"--addr", strings.Join(addrs, ","), "--admin-token-file", pc.tokenFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("tablectl transfer: %v", err)
	}
	var lines strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if asked.IsZero() {
			asked = time.Now()
		}
		lines.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil || asked.IsZero() {
		t.Fatalf("tablectl transfer: %v\n%s%s", err, lines.String(), stderr.String())
	}
	if want := " up, leader_http/"; !strings.Contains(lines.String(), want) {
		t.Errorf("tablectl transfer did not switch haproxy through its runtime API:\n%s", lines.String())
	}
	return started, asked, lines.String()
}

// proxySwitch polls haproxy's /health/leader every 10 ms from now on and
// sends the first instant it answers from a leader other than old (the
// zero time if that takes over 30 s). Not /status: that hashes the whole
// state, a cost the new leader would pay at each poll while it takes the
// players over.
func proxySwitch(proxy, old string) <-chan time.Time {
	out := make(chan time.Time, 1)
	go func() {
		hc := &http.Client{Timeout: time.Second}
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			resp, err := hc.Get("http://" + proxy + "/health/leader")
			if err != nil {
				continue
			}
			var s struct{ Status, ID string }
			err = json.NewDecoder(resp.Body).Decode(&s)
			resp.Body.Close()
			if err == nil && s.Status == "leader" && s.ID != old {
				out <- time.Now()
				return
			}
		}
		out <- time.Time{}
	}()
	return out
}

// servedElsewhere polls every seat's client every 10 ms from now on and
// sends, per seat, the first instant it was served by a node other than
// old (the zero time if that takes over 30 s).
func servedElsewhere(seats []*seat, old string) <-chan []time.Time {
	out := make(chan []time.Time, 1)
	go func() {
		at := make([]time.Time, len(seats))
		for left, deadline := len(seats), time.Now().Add(30*time.Second); left > 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			for i, s := range seats {
				if n := s.c.Node(); at[i].IsZero() && n != "" && n != old {
					at[i] = time.Now()
					left--
				}
			}
		}
		out <- at
	}()
	return out
}

// firstAcksAfter measures a fault at at that took the leader old away
// ("" for an instant without a fault). It waits until every seat has had
// a move acknowledged after at by a node other than old, and one sent
// after at acknowledged, and returns, measured from at, the latest of
// the first (the pause: when the last player's game went on, a move in
// flight at the fault and acknowledged by the new leader included) and
// the latest of the second (the strict figure: a player whose move was
// in flight waits for its next turn). Acks from old do not count: the old
// leader may have acknowledged moves after at, before it stepped down.
// seen holds, per seat, how many acks it had before at (ackCounts): the
// search starts there.
func firstAcksAfter(t testing.TB, seats []*seat, at time.Time, seen []int, old string) (pause, strict time.Duration) {
	t.Helper()
	acked := make([]time.Time, len(seats))
	sent := make([]time.Time, len(seats))
	waitFor(t, 60*time.Second, "every player's first acked move after the fault", func() bool {
		done := true
		for i, s := range seats {
			if acked[i].IsZero() || sent[i].IsZero() {
				acks := s.p.AcksSince(seen[i])
				seen[i] += len(acks)
				for _, a := range acks {
					if acked[i].IsZero() && a.At.After(at) && a.Node != old {
						acked[i] = a.At
					}
					if sent[i].IsZero() && a.At.Add(-a.Latency).After(at) {
						sent[i] = a.At
					}
				}
			}
			if acked[i].IsZero() || sent[i].IsZero() {
				done = false
			}
		}
		return done
	})
	latest := func(name string, first []time.Time) time.Duration {
		each := make([]time.Duration, len(first))
		last := 0
		for i, f := range first {
			each[i] = f.Sub(at)
			if f.After(first[last]) {
				last = i
			}
		}
		slices.Sort(each)
		t.Logf("%s per player: median %s, p90 %s, max %s (%s)", name, each[len(each)/2].Round(time.Millisecond),
			each[len(each)*9/10].Round(time.Millisecond), each[len(each)-1].Round(time.Millisecond), seats[last].player)
		return each[len(each)-1]
	}
	return latest("first ack after", acked), latest("first move sent after and acked", sent)
}

// ackCounts returns how many acks each seat has had so far.
func ackCounts(seats []*seat) []int {
	n := make([]int, len(seats))
	for i, s := range seats {
		n[i] = s.p.AckCount()
	}
	return n
}

// TestPlayersThroughHaproxy: 52 tables whose players reach the cluster only
// through a real haproxy, three `tablectl transfer`, one kill -9 and one
// SIGTERM of the leader during play; every player reconnects through haproxy at each
// fault and finishes its deals, no acked move is lost and the nodes
// converge. The pauses are logged, not asserted (machines are noisy);
// BenchmarkHaproxyFailover measures them.
func TestPlayersThroughHaproxy(t *testing.T) {
	pauses := runHaproxyFailover(t, 3, 1, 1)
	for _, kind := range []string{"transfer", "kill", "stop"} {
		t.Logf("%s pauses: %v", kind, pauses[kind])
	}
}

// BenchmarkHaproxyFailover runs the haproxy failover scenario with 20
// transfers and 10 kills (TABLERAFT_BENCH_TRANSFERS, _KILLS and _STOPS,
// default 0, set other counts; b.N is ignored: one run is the
// measurement; use -benchtime 1x) and
// reports, per kind of fault, the median, p99 and max pause in ms, and
// the same figures for instants without a fault ("none").
//
// The nodes run with the Raft timeouts of the deployment
// (deploy/systemd/tableraftd.env.example), as haproxy runs with the
// deployment's configuration; TABLERAFT_BENCH_RAFT_TIMEOUT (e.g. 500ms,
// the built-in default) sets another for a comparison. The bots think
// 5 ms and the next deal follows a result after 20 ms: a player's pause
// includes waiting for its next turn, and slow table pacing would hide
// the failover in that wait (the "none" row shows what is left of it).
func BenchmarkHaproxyFailover(b *testing.B) {
	timeout := os.Getenv("TABLERAFT_BENCH_RAFT_TIMEOUT")
	if timeout == "" {
		timeout = deployedRaftTimeout(b)
	}
	flags := []string{"--heartbeat-timeout", timeout, "--election-timeout", timeout, "--leader-lease-timeout", timeout,
		"--bot-delay", "5ms", "--next-deal-delay", "20ms"}
	b.Logf("Raft timeouts %s", timeout)
	transfers, kills := envCount(b, "TABLERAFT_BENCH_TRANSFERS", 20), envCount(b, "TABLERAFT_BENCH_KILLS", 10)
	stops := envCount(b, "TABLERAFT_BENCH_STOPS", 0)
	pauses := runHaproxyFailover(b, transfers, kills, stops, flags...)
	for _, kind := range []string{"none", "transfer", "kill", "stop", "none/strict", "transfer/strict", "kill/strict", "stop/strict"} {
		p := slices.Sorted(slices.Values(pauses[kind]))
		if len(p) == 0 {
			continue
		}
		b.Logf("%s pauses: %v", kind, p)
		ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
		name := strings.ReplaceAll(kind, "/", "-")
		b.ReportMetric(ms(p[len(p)/2]), name+"-median-ms")
		b.ReportMetric(ms(p[len(p)*9/10]), name+"-p90-ms")
		b.ReportMetric(ms(p[min(len(p)-1, len(p)*99/100)]), name+"-p99-ms")
		b.ReportMetric(ms(p[len(p)-1]), name+"-max-ms")
	}
}

// envCount reads a count from the environment variable name, def when it
// is unset.
func envCount(t testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a count", name, v)
	}
	return n
}

// deployedRaftTimeout reads the Raft timeout that the deployment's example
// environment file sets (heartbeat, election and leader lease alike).
func deployedRaftTimeout(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../deploy/systemd/tableraftd.env.example")
	if err != nil {
		t.Fatalf("read the deployment's environment: %v", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.HasSuffix(k, "_TIMEOUT") && strings.HasPrefix(k, "TABLERAFT_") {
			got[k] = v
		}
	}
	hb := got["TABLERAFT_HEARTBEAT_TIMEOUT"]
	if hb == "" || got["TABLERAFT_ELECTION_TIMEOUT"] != hb || got["TABLERAFT_LEADER_LEASE_TIMEOUT"] != hb {
		t.Fatalf("deploy/systemd/tableraftd.env.example: want equal heartbeat, election and leader lease timeouts, got %v", got)
	}
	return hb
}

// TestMakeRunHaproxyConfigParses: haproxy accepts deploy/local/haproxy.cfg
// as deploy/local/run.sh starts it (from the repository root, the runtime
// API socket at the relative path data/haproxy.sock). The other haproxy
// tests swap in absolute paths and would not notice.
func TestMakeRunHaproxyConfigParses(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Skip("haproxy is not installed (make test installs it)")
	}
	cmd := exec.Command(bin, "-c", "-f", "deploy/local/haproxy.cfg")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "TABLERAFT_HAPROXY_API=data/haproxy.sock")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
}
