package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The chaos tests run `tablebench chaos` (cmd/tablebench): 3 nodes,
// haproxy and PostgreSQL, bots on 200 tables and a seeded nemesis, then
// the checker over everything the clients recorded, the nodes' Raft logs,
// their state hashes and PostgreSQL. `make chaos` is the long run; these
// are the short ones of `make test`.

// chaosBinaries builds tablebench and a plain (not race-enabled)
// tableraftd next to it: 200 tables on race-enabled nodes would measure
// the race detector, not the cluster.
func chaosBinaries(t *testing.T) string {
	t.Helper()
	if os.Getenv("TABLERAFT_CHAOS") != "1" {
		t.Skip("the chaos and tablebench runs take minutes: `make chaos-short` (part of `make test`) runs them with TABLERAFT_CHAOS=1")
	}
	if _, err := exec.LookPath("haproxy"); err != nil {
		t.Skip("haproxy is not installed (make test installs it)")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "tableraft/cmd/tablebench", "tableraft/cmd/tableraftd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "tablebench")
}

// chaosReport is the part of tablebench's --json output the tests read.
type chaosReport struct {
	Seed         uint64         `json:"seed"`
	Faults       []struct{}     `json:"faults"`
	FaultsByType map[string]int `json:"faultsByType"`
	Check        *struct {
		Acked          int      `json:"acked"`
		Deals          int      `json:"deals"`
		PGRows         int      `json:"pgRows"`
		Linearizable   int      `json:"linearizableTables"`
		ViolationCount int      `json:"violationCount"`
		Violations     []string `json:"violations"`
	} `json:"check"`
}

func runChaos(t *testing.T, bin string, args ...string) (chaosReport, int, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"chaos", "--json"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("tablebench chaos: %v\n%s", err, tail(stderr.Bytes(), 8192))
	}
	var rep chaosReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("tablebench chaos printed no report (exit %d): %v\n%s", code, err, tail(stderr.Bytes(), 8192))
	}
	return rep, code, stderr.String()
}

// chaosSeed is CHAOS_SEED when set (to repeat a run), else a fixed seed.
func chaosSeed() string {
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		return s
	}
	return strconv.FormatInt(time.Now().UnixNano()%1_000_000+1, 10)
}

// TestChaosShort is the 2-minute chaos run: every fault type the machine
// allows (partitions and full disks need root), 200 tables, and the
// checker must find nothing.
func TestChaosShort(t *testing.T) {
	bin := chaosBinaries(t)
	seed := chaosSeed()
	t.Logf("seed %s (CHAOS_SEED=%s repeats it)", seed, seed)
	rep, code, log := runChaos(t, bin, "--tables", "200", "--duration", "2m", "--seed", seed)
	t.Logf("seed %s: %d faults %v", seed, len(rep.Faults), rep.FaultsByType)
	if rep.Check == nil {
		t.Fatalf("no check report (exit %d)\n%s", code, tail([]byte(log), 8192))
	}
	c := rep.Check
	t.Logf("%d acked commands, %d deals (%d rows in PostgreSQL), %d tables linearizable", c.Acked, c.Deals, c.PGRows, c.Linearizable)
	for _, v := range c.Violations {
		t.Errorf("violation: %s", v)
	}
	if code != 0 || c.ViolationCount != 0 {
		t.Fatalf("tablebench chaos --seed %s: exit %d, %d violations\n%s", seed, code, c.ViolationCount, tail([]byte(log), 4096))
	}
	if len(rep.Faults) < 10 || c.Acked == 0 || c.Deals == 0 {
		t.Fatalf("the run proved little: %d faults, %d acked commands, %d deals", len(rep.Faults), c.Acked, c.Deals)
	}
}

// TestChaosCatchesBrokenDedup: the same run on a deliberately broken
// build (the nodes' hidden TABLERAFT_TEST_BREAK_DEDUP hook: a retried
// command is no longer recognized) with the leader killed and moved
// again and again. The checker must fail it: a client told "refused" for
// a command the history applied, a history that is not linearizable.
func TestChaosCatchesBrokenDedup(t *testing.T) {
	bin := chaosBinaries(t)
	seed := chaosSeed()
	rep, code, log := runChaos(t, bin, "--tables", "40", "--duration", "45s", "--seed", seed,
		"--faults", "kill-leader,transfer,kill-leader", "--break-dedup")
	if rep.Check == nil {
		t.Fatalf("no check report (exit %d)\n%s", code, tail([]byte(log), 8192))
	}
	t.Logf("seed %s: %d faults; the checker found %d violations, first: %v", seed, len(rep.Faults), rep.Check.ViolationCount, first(rep.Check.Violations, 3))
	if code == 0 || rep.Check.ViolationCount == 0 {
		t.Fatalf("the checker passed a build without dedup (seed %s, exit %d)", seed, code)
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
