package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// makeRunPorts are the fixed loopback ports of deploy/local/run.sh.
var makeRunPorts = []int{8080, 9090, 8001, 8002, 8003, 9001, 9002, 9003, 7001, 7002, 7003}

// TestMakeRun runs what `make run` runs (deploy/local/run.sh, with this
// test's binaries and a fresh data folder) as a new user would: it comes
// up, the printed URL serves the web client through haproxy, tablectl
// status shows three nodes, tablectl transfer moves leadership and
// switches haproxy, and Ctrl-C (SIGINT to the foreground process group)
// stops every process it started. Run again, it resumes the same cluster.
// Skipped when one of its fixed ports is taken (a make run of the
// developer's own, say).
func TestMakeRun(t *testing.T) {
	if _, err := exec.LookPath("haproxy"); err != nil {
		t.Skip("haproxy is not installed (make test installs it)")
	}
	for _, port := range makeRunPorts {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Skipf("port %d is taken (a make run is going?): %v", port, err)
		}
		ln.Close()
	}
	data := t.TempDir()
	env := append(os.Environ(), "TABLERAFT_ADMIN_TOKEN_FILE="+filepath.Join(data, "admin-token"),
		"TABLERAFT_HAPROXY_API="+filepath.Join(data, "haproxy.sock"))
	tablectl := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(binDir, "tablectl"), args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tablectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	first := startMakeRun(t, data)
	page := httpGet(t, "http://127.0.0.1:8080/")
	if !strings.Contains(strings.ToLower(page), "<html") {
		t.Fatalf("the printed URL does not serve the web client:\n%.300s", page)
	}
	status := tablectl("status")
	if n, leaders := strings.Count(status, "\nn"), strings.Count(status, " leader "); n != 3 || leaders != 1 {
		t.Errorf("tablectl status shows %d nodes and %d leaders, want 3 and 1:\n%s", n, leaders, status)
	}
	before := leaderThroughProxy(t)
	out := tablectl("transfer")
	for _, want := range []string{"holds the players' hellos", "leader_http/", "proxy http://127.0.0.1:8080 routes to"} {
		if !strings.Contains(out, want) {
			t.Errorf("tablectl transfer printed no %q:\n%s", want, out)
		}
	}
	after := leaderThroughProxy(t)
	if after.ID == before.ID || after.Term <= before.Term {
		t.Errorf("after the transfer haproxy routes to %s in term %d, before to %s in term %d", after.ID, after.Term, before.ID, before.Term)
	}
	first.interrupt(t)

	second := startMakeRun(t, data)
	again := leaderThroughProxy(t)
	if again.Term <= after.Term || again.CommitIndex < after.CommitIndex {
		t.Errorf("run again: term %d, commit index %d; the first run ended in term %d at %d: not the same cluster",
			again.Term, again.CommitIndex, after.Term, after.CommitIndex)
	}
	second.interrupt(t)
}

// makeRun is one deploy/local/run.sh in its own process group, as a shell
// runs a foreground job.
type makeRun struct {
	cmd    *exec.Cmd
	exited chan struct{}
	output strings.Builder // stdout and stderr so far (guarded by exited after the end)
}

// startMakeRun starts run.sh with the test's binaries and data folder and
// waits until it says the cluster is running.
func startMakeRun(t *testing.T, data string) *makeRun {
	t.Helper()
	cmd := exec.Command("bash", "../deploy/local/run.sh")
	cmd.Env = append(os.Environ(), "BIN="+binDir, "DATA="+data)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start run.sh: %v", err)
	}
	mr := &makeRun{cmd: cmd, exited: make(chan struct{})}
	running := make(chan struct{})
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(pr)
		said := false
		for sc.Scan() {
			lines <- sc.Text()
			if !said && strings.HasPrefix(sc.Text(), "Tableraft is running") {
				said = true
				close(running)
			}
		}
		close(lines)
	}()
	go func() { _ = cmd.Wait(); pw.Close(); close(mr.exited) }()
	t.Cleanup(func() { // a failed test leaves nothing running
		select {
		case <-mr.exited:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-mr.exited
		}
	})
	collect := func() {
		for l := range lines {
			mr.output.WriteString(l + "\n")
		}
	}
	select {
	case <-running:
		go collect()
	case <-mr.exited:
		collect()
		t.Fatalf("run.sh ended before the cluster ran:\n%s", mr.output.String())
	case <-time.After(90 * time.Second):
		t.Fatal("run.sh did not say the cluster runs within 90 s")
	}
	return mr
}

// interrupt presses Ctrl-C: SIGINT to run.sh's process group. Every
// process run.sh started must be gone when it has ended.
func (mr *makeRun) interrupt(t *testing.T) {
	t.Helper()
	pid := mr.cmd.Process.Pid
	// run.sh's own short-lived helpers (cat of its message) may show up
	// among its children too; the nodes and haproxy must.
	children := childPids(t, pid)
	started := map[string]int{}
	for _, c := range children {
		argv, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", c))
		name, _, _ := strings.Cut(string(argv), "\x00")
		started[filepath.Base(name)]++
	}
	if started["tableraftd"] != 3 || started["haproxy"] != 1 {
		t.Errorf("run.sh runs %v, want 3 tableraftd and 1 haproxy", started)
	}
	if err := syscall.Kill(-pid, syscall.SIGINT); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	select {
	case <-mr.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("run.sh did not stop within 60 s of Ctrl-C")
	}
	for _, c := range children {
		if err := syscall.Kill(c, 0); err == nil {
			t.Errorf("process %d that run.sh started still runs after Ctrl-C", c)
		}
	}
}

// childPids lists the processes whose parent is pid.
func childPids(t *testing.T, pid int) []int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		t.Fatalf("children of run.sh: %v", err)
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("children of run.sh: %q", b)
		}
		out = append(out, n)
	}
	return out
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

// proxyStatus is what haproxy's /status (always the leader's) tells.
type proxyStatus struct {
	ID          string `json:"id"`
	State       string `json:"state"`
	Term        uint64 `json:"term"`
	CommitIndex uint64 `json:"commitIndex"`
}

// leaderThroughProxy asks make run's haproxy for /status until a leader
// answers.
func leaderThroughProxy(t *testing.T) proxyStatus {
	t.Helper()
	var s proxyStatus
	waitFor(t, 30*time.Second, "haproxy to route to a leader", func() bool {
		resp, err := http.Get("http://127.0.0.1:8080/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		s = proxyStatus{}
		return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&s) == nil && s.State == "leader"
	})
	return s
}
