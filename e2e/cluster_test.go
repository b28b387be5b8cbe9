// Package e2e holds the tests that start real tableraftd processes on
// loopback ports and hurt them: kill -9, restarts, transfers.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"tableraft/transport/adminapi"
)

// binDir holds the binaries built once for the whole package.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tableraft-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Tests run race-enabled binaries; benchmarks measure plain ones.
	flag.Parse()
	args := []string{"build", "-race"}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		args = []string{"build"}
	}
	args = append(args, "-o", dir+string(os.PathSeparator), "tableraft/cmd/tableraftd", "tableraft/cmd/tablectl")
	build := exec.Command("go", args...)
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// node is one tableraftd process of a test cluster.
type node struct {
	id, raftAddr, httpAddr, dataDir, logPath string
	cmd                                      *exec.Cmd
	exited                                   chan struct{}
}

// cluster is a set of tableraftd processes started by a test, all stopped
// when it ends.
type cluster struct {
	t         testing.TB
	nodes     []*node
	tokenFile string
	client    *adminapi.Client
}

// newCluster starts n nodes that bootstrap one cluster, with test-friendly
// timings, and waits for a leader.
func newCluster(t testing.TB, n int) *cluster {
	t.Helper()
	dir := t.TempDir()
	c := &cluster{t: t, tokenFile: filepath.Join(dir, "admin-token"), client: &adminapi.Client{Token: "e2e-operator-token-0123456789"}}
	if err := os.WriteFile(c.tokenFile, []byte(c.client.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	var peers []string
	addrs := freeAddrs(t, 2*n)
	for i := 1; i <= n; i++ {
		nd := &node{id: fmt.Sprintf("n%d", i), raftAddr: addrs[2*i-2], httpAddr: addrs[2*i-1],
			dataDir: filepath.Join(dir, fmt.Sprintf("n%d", i)), logPath: filepath.Join(dir, fmt.Sprintf("n%d.log", i))}
		c.nodes = append(c.nodes, nd)
		peers = append(peers, nd.id+"="+nd.raftAddr)
	}
	for _, nd := range c.nodes {
		c.start(nd, "--bootstrap", strings.Join(peers, ","))
	}
	t.Cleanup(c.stopAll)
	c.waitLeader(20 * time.Second)
	return c
}

// start runs nd's process with extra flags.
func (c *cluster) start(nd *node, extra ...string) {
	c.t.Helper()
	logf, err := os.OpenFile(nd.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	args := append([]string{"--id", nd.id, "--data", nd.dataDir, "--raft-addr", nd.raftAddr,
		"--http-addr", nd.httpAddr, "--admin-token-file", c.tokenFile, "--dev",
		"--bot-delay", "20ms", "--next-deal-delay", "100ms"}, extra...)
	nd.cmd = exec.Command(filepath.Join(binDir, "tableraftd"), args...)
	if cpus := os.Getenv("TABLERAFT_NODE_CPUS"); cpus != "" {
		// Benchmarks only: pin the nodes to these CPUs (taskset -c), so
		// that a load generator run under `taskset -c <others>` does not
		// take the servers' CPU (docs/BENCHMARKS.md).
		nd.cmd = exec.Command("taskset", append([]string{"-c", cpus, nd.cmd.Path}, args...)...)
	}
	nd.cmd.Stdout, nd.cmd.Stderr = logf, logf
	if err := nd.cmd.Start(); err != nil {
		c.t.Fatalf("start %s: %v", nd.id, err)
	}
	nd.exited = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}(nd.cmd, nd.exited)
}

// kill sends SIGKILL to nd's process (only ours, by its pid) and waits
// for it to die.
func (c *cluster) kill(nd *node) {
	c.t.Helper()
	_ = nd.cmd.Process.Signal(syscall.SIGKILL)
	<-nd.exited
}

func (c *cluster) stopAll() {
	for _, nd := range c.nodes {
		if nd.cmd == nil {
			continue
		}
		select {
		case <-nd.exited:
			continue
		default:
		}
		_ = nd.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-nd.exited:
		case <-time.After(15 * time.Second):
			_ = nd.cmd.Process.Signal(syscall.SIGKILL)
			<-nd.exited
		}
	}
	if dir := os.Getenv("TABLERAFT_KEEP_LOGS"); dir != "" {
		// For a look at a run afterwards: the nodes' logs, named by node.
		for _, nd := range c.nodes {
			if b, err := os.ReadFile(nd.logPath); err == nil {
				_ = os.WriteFile(filepath.Join(dir, nd.id+".log"), b, 0o644)
			}
		}
	}
	if c.t.Failed() {
		for _, nd := range c.nodes {
			b, _ := os.ReadFile(nd.logPath)
			c.t.Logf("---- %s log (last 4 KiB)\n%s", nd.id, tail(b, 4096))
		}
	}
}

func (nd *node) base() string { return "http://" + nd.httpAddr }

func (nd *node) alive() bool {
	select {
	case <-nd.exited:
		return false
	default:
		return nd.cmd != nil
	}
}

// status asks nd for its status.
func (c *cluster) status(nd *node) (adminapi.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.client.Status(ctx, nd.base())
}

// waitLeader waits until a live node reports itself leader and returns it.
func (c *cluster) waitLeader(within time.Duration) *node {
	c.t.Helper()
	var leader *node
	waitFor(c.t, within, "a leader", func() bool {
		for _, nd := range c.nodes {
			if !nd.alive() {
				continue
			}
			if s, err := c.status(nd); err == nil && s.State == "leader" {
				leader = nd
				return true
			}
		}
		return false
	})
	return leader
}

// post sends a JSON body to path on nd and decodes the answer into out.
func (c *cluster) post(nd *node, path string, body, out any) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, nd.base()+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+c.client.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&e)
		c.t.Fatalf("POST %s: %s %v", path, resp.Status, e)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			c.t.Fatal(err)
		}
	}
}

// tablectl runs the operator tool against the cluster.
func (c *cluster) tablectl(args ...string) (string, error) {
	var addrs []string
	for _, nd := range c.nodes {
		addrs = append(addrs, nd.base())
	}
	full := append(args, "--addr", strings.Join(addrs, ","), "--admin-token-file", c.tokenFile)
	out, err := exec.Command(filepath.Join(binDir, "tablectl"), full...).CombinedOutput()
	return string(out), err
}

// waitConverged waits until every live node has applied the same index
// and reports the same state hash, and returns that status.
func (c *cluster) waitConverged(within time.Duration) adminapi.Status {
	c.t.Helper()
	var last []adminapi.Status
	var agreed adminapi.Status
	waitFor(c.t, within, "all nodes to converge", func() bool {
		last = last[:0]
		for _, nd := range c.nodes {
			s, err := c.status(nd)
			if err != nil {
				return false
			}
			last = append(last, s)
		}
		for _, s := range last[1:] {
			if s.FSMIndex != last[0].FSMIndex || s.StateHash != last[0].StateHash {
				return false
			}
		}
		agreed = last[0]
		return true
	})
	return agreed
}

func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddrs returns n distinct free loopback addresses. All listeners stay
// open until every port is chosen, so the kernel cannot hand one out twice.
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		out = append(out, l.Addr().String())
	}
	return out
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
