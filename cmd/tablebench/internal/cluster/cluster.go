// Package cluster starts and hurts a local Tableraft cluster for
// tablebench: tableraftd processes, haproxy in front, optionally
// PostgreSQL, each node optionally in its own network namespace (so that
// one node can be cut off the network) with its results spool on a small
// tmpfs (so that its disk can be filled). Everything it starts it stops,
// by pid, in Close.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"tableraft/transport/adminapi"
	"tableraft/transport/auth"
)

// Config says what to start.
type Config struct {
	// Nodes is the cluster size (default 3).
	Nodes int
	// Tableraftd is the node binary.
	Tableraftd string
	// Dir holds the data, configs and logs (created; removed by Close
	// unless Keep).
	Dir  string
	Keep bool
	// Netns puts every node in a network namespace of its own, joined to
	// the host by a veth pair on a bridge: Partition then cuts a node off
	// (root only).
	Netns bool
	// SpoolBytes > 0 puts every node's results spool on a tmpfs of that
	// size, so that FillSpool can fill it (root only).
	SpoolBytes int64
	// Postgres starts a PostgreSQL server and gives the nodes --pg.
	Postgres bool
	// Env is added to the nodes' environment; Flags to their command line.
	Env   []string
	Flags []string
	Log   *slog.Logger
}

// Node is one tableraftd process.
type Node struct {
	ID, RaftAddr, HTTPAddr, TCPAddr string
	Data, Spool, LogPath            string
	ns, veth                        string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	frozen bool
	cut    bool
}

// Cluster is a running local cluster.
type Cluster struct {
	cfg        Config
	Nodes      []*Node
	Keys       *auth.Keys
	AdminToken string
	// WS and TCP are haproxy's player addresses (ws://.../ws, tcp://...).
	WS, TCP string
	// PG is the database, nil without Config.Postgres.
	PG *Postgres

	tokenFile, secretFile string
	bridge                string
	bootstrap             string
	haproxy               *exec.Cmd
	haproxyDone           chan struct{}
	admin                 *adminapi.Client
	mounts                []string
}

// Start starts the cluster and waits until a leader serves players
// through haproxy. On error everything started is stopped.
func Start(ctx context.Context, cfg Config) (_ *Cluster, err error) {
	if cfg.Nodes <= 0 {
		cfg.Nodes = 3
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if (cfg.Netns || cfg.SpoolBytes > 0) && os.Geteuid() != 0 {
		return nil, errors.New("cluster: network namespaces and tmpfs spools need root")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	c := &Cluster{cfg: cfg, AdminToken: "tablebench-operator-token-" + fmt.Sprint(os.Getpid())}
	c.admin = &adminapi.Client{Token: c.AdminToken}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	c.tokenFile = filepath.Join(cfg.Dir, "admin-token")
	if err := os.WriteFile(c.tokenFile, []byte(c.AdminToken), 0o600); err != nil {
		return nil, err
	}
	secret := auth.NewSecret()
	c.secretFile = filepath.Join(cfg.Dir, "player-secret")
	if err := os.WriteFile(c.secretFile, []byte(secret), 0o600); err != nil {
		return nil, err
	}
	if c.Keys, err = auth.New([]byte(secret)); err != nil {
		return nil, err
	}
	hostIP := "127.0.0.1"
	if cfg.Netns {
		if hostIP, err = c.setupBridge(); err != nil {
			return nil, err
		}
	}
	if cfg.Postgres {
		if c.PG, err = StartPostgres(filepath.Join(cfg.Dir, "pg"), hostIP, c.subnet()); err != nil {
			return nil, err
		}
	}
	var peers []string
	free, err := freeAddrs(3 * cfg.Nodes)
	if err != nil {
		return nil, err
	}
	for i := 1; i <= cfg.Nodes; i++ {
		n := &Node{ID: fmt.Sprintf("n%d", i), Data: filepath.Join(cfg.Dir, fmt.Sprintf("n%d", i)), LogPath: filepath.Join(cfg.Dir, fmt.Sprintf("n%d.log", i))}
		if cfg.Netns {
			ip, err := c.setupNetns(n, i)
			if err != nil {
				return nil, err
			}
			n.RaftAddr, n.HTTPAddr, n.TCPAddr = ip+":7000", ip+":8000", ip+":9000"
		} else {
			n.RaftAddr, n.HTTPAddr, n.TCPAddr = free[3*i-3], free[3*i-2], free[3*i-1]
		}
		n.Spool = filepath.Join(n.Data, "spool")
		if err := os.MkdirAll(n.Spool, 0o755); err != nil {
			return nil, err
		}
		if cfg.SpoolBytes > 0 {
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", cfg.SpoolBytes), "tablebench-spool", n.Spool).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("cluster: mount tmpfs spool: %v: %s", err, out)
			}
			c.mounts = append(c.mounts, n.Spool)
		}
		c.Nodes = append(c.Nodes, n)
		peers = append(peers, n.ID+"="+n.RaftAddr)
	}
	c.bootstrap = strings.Join(peers, ",")
	for _, n := range c.Nodes {
		if err := c.startNode(n); err != nil {
			return nil, err
		}
	}
	if err := c.startHaproxy(); err != nil {
		return nil, err
	}
	if err := c.WaitServing(ctx, time.Minute); err != nil {
		return nil, err
	}
	return c, nil
}

// subnet is the namespaces' /24 ("" without Netns).
func (c *Cluster) subnet() string {
	if !c.cfg.Netns {
		return ""
	}
	return fmt.Sprintf("10.231.%d.0/24", c.netByte())
}

func (c *Cluster) netByte() int { return 20 + os.Getpid()%200 }

func (c *Cluster) setupBridge() (string, error) {
	c.bridge = fmt.Sprintf("tbb%d", os.Getpid()%100000)
	ip := fmt.Sprintf("10.231.%d.254", c.netByte())
	for _, args := range [][]string{
		{"link", "add", c.bridge, "type", "bridge"},
		{"addr", "add", ip + "/24", "dev", c.bridge},
		{"link", "set", c.bridge, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("cluster: ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return ip, nil
}

func (c *Cluster) setupNetns(n *Node, i int) (string, error) {
	id := os.Getpid() % 100000
	n.ns = fmt.Sprintf("tbn%d-%d", id, i)
	n.veth = fmt.Sprintf("tbv%d-%d", id, i)
	peer := fmt.Sprintf("tbp%d-%d", id, i)
	ip := fmt.Sprintf("10.231.%d.%d", c.netByte(), i)
	steps := [][]string{
		{"ip", "netns", "add", n.ns},
		{"ip", "link", "add", n.veth, "type", "veth", "peer", "name", peer},
		{"ip", "link", "set", peer, "netns", n.ns},
		{"ip", "link", "set", n.veth, "master", c.bridge, "up"},
		{"ip", "netns", "exec", n.ns, "ip", "link", "set", peer, "name", "eth0"},
		{"ip", "netns", "exec", n.ns, "ip", "addr", "add", ip + "/24", "dev", "eth0"},
		{"ip", "netns", "exec", n.ns, "ip", "link", "set", "eth0", "up"},
		{"ip", "netns", "exec", n.ns, "ip", "link", "set", "lo", "up"},
	}
	for _, s := range steps {
		if out, err := exec.Command(s[0], s[1:]...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("cluster: %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return ip, nil
}

func (c *Cluster) startNode(n *Node) error {
	logf, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	args := []string{"--id", n.ID, "--data", n.Data, "--raft-addr", n.RaftAddr, "--http-addr", n.HTTPAddr,
		"--tcp-addr", n.TCPAddr, "--admin-token-file", c.tokenFile, "--player-secret-file", c.secretFile,
		"--spool-dir", n.Spool, "--bootstrap", c.bootstrap,
		// Every bot connects from this host (or through haproxy, whose
		// address the nodes see): no per-address bound.
		"--max-conns-per-ip", "0"}
	if c.PG != nil {
		args = append(args, "--pg", c.PG.URL)
	}
	args = append(args, c.cfg.Flags...)
	var cmd *exec.Cmd
	if n.ns != "" {
		// ip netns exec execs the node: the pid is the node's.
		cmd = exec.Command("ip", append([]string{"netns", "exec", n.ns, c.cfg.Tableraftd}, args...)...)
	} else {
		cmd = exec.Command(c.cfg.Tableraftd, args...)
	}
	cmd.Env = append(os.Environ(), c.cfg.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("cluster: start %s: %w", n.ID, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	n.mu.Lock()
	n.cmd, n.exited, n.frozen = cmd, done, false
	n.mu.Unlock()
	return nil
}

// Alive reports whether n's process runs.
func (n *Node) Alive() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

func (n *Node) signal(sig syscall.Signal) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil || n.cmd.Process == nil {
		return errors.New("cluster: not started")
	}
	return n.cmd.Process.Signal(sig)
}

// Kill sends SIGKILL to n (ours, by pid) and waits until it is gone.
func (c *Cluster) Kill(n *Node) {
	_ = n.signal(syscall.SIGCONT)
	_ = n.signal(syscall.SIGKILL)
	n.mu.Lock()
	done := n.exited
	n.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Restart starts a killed node again.
func (c *Cluster) Restart(n *Node) error {
	if n.Alive() {
		return nil
	}
	return c.startNode(n)
}

// Freeze sends SIGSTOP; Thaw SIGCONT.
func (c *Cluster) Freeze(n *Node) error {
	n.mu.Lock()
	n.frozen = true
	n.mu.Unlock()
	return n.signal(syscall.SIGSTOP)
}

// Thaw resumes a frozen node.
func (c *Cluster) Thaw(n *Node) error {
	n.mu.Lock()
	n.frozen = false
	n.mu.Unlock()
	return n.signal(syscall.SIGCONT)
}

// CanPartition reports whether Partition works (Netns).
func (c *Cluster) CanPartition() bool { return c.cfg.Netns }

// Partition cuts n off the network: its veth goes down, so neither its
// peers, nor haproxy, nor PostgreSQL reach it, and it reaches none of
// them.
func (c *Cluster) Partition(n *Node) error { return c.link(n, "down") }

// Heal undoes Partition.
func (c *Cluster) Heal(n *Node) error { return c.link(n, "up") }

func (c *Cluster) link(n *Node, state string) error {
	if n.veth == "" {
		return errors.New("cluster: no network namespaces")
	}
	if out, err := exec.Command("ip", "link", "set", n.veth, state).CombinedOutput(); err != nil {
		return fmt.Errorf("cluster: link %s %s: %v: %s", n.veth, state, err, out)
	}
	n.mu.Lock()
	n.cut = state == "down"
	n.mu.Unlock()
	return nil
}

// CanFillSpool reports whether FillSpool works (SpoolBytes > 0).
func (c *Cluster) CanFillSpool() bool { return c.cfg.SpoolBytes > 0 }

// FillSpool fills n's spool tmpfs to the last byte (ENOSPC for the node).
func (c *Cluster) FillSpool(n *Node) error {
	f, err := os.Create(filepath.Join(n.Spool, "tablebench-filler"))
	if err != nil {
		return nil // already full
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for i := 0; i < 1<<16; i++ {
		if _, err := f.Write(buf); err != nil {
			return nil // full: what we wanted
		}
	}
	return errors.New("cluster: the spool did not fill")
}

// FreeSpool removes the filler.
func (c *Cluster) FreeSpool(n *Node) error {
	err := os.Remove(filepath.Join(n.Spool, "tablebench-filler"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func (n *Node) base() string { return "http://" + n.HTTPAddr }

// Status asks n for its status.
func (c *Cluster) Status(ctx context.Context, n *Node) (adminapi.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return c.admin.Status(ctx, n.base())
}

// Leader returns the node that reports itself leader, or nil.
func (c *Cluster) Leader(ctx context.Context) *Node {
	for _, n := range c.Nodes {
		if !n.Alive() {
			continue
		}
		if s, err := c.Status(ctx, n); err == nil && s.State == "leader" {
			return n
		}
	}
	return nil
}

// Transfer asks the leader to hand over leadership.
func (c *Cluster) Transfer(ctx context.Context) error {
	l := c.Leader(ctx)
	if l == nil {
		return errors.New("cluster: no leader")
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	// As tablectl transfer and a stopping leader do: the voter that has
	// applied the most takes the players over first (haproxy's checks
	// switch here: no runtime API), then the leader transfers to it.
	st, err := c.admin.Status(ctx, l.base())
	if err != nil {
		return fmt.Errorf("cluster: transfer: %w", err)
	}
	var bases []string
	for _, n := range c.Nodes {
		if n != l {
			bases = append(bases, n.base())
		}
	}
	targets := c.admin.RankTargets(ctx, bases, st.Servers, st.ID)
	if len(targets) == 0 {
		return fmt.Errorf("cluster: transfer: no voter answers besides the leader %s", st.ID)
	}
	transfer := func(ctx context.Context, to string) error { return c.admin.Transfer(ctx, l.base(), to) }
	if err := c.admin.TakeOverAndTransfer(ctx, targets[0], transfer); err != nil {
		return fmt.Errorf("cluster: transfer: %w", err)
	}
	return nil
}

// WaitServing waits until haproxy's HTTP front reaches a leader that
// serves players.
func (c *Cluster) WaitServing(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	url := strings.Replace(strings.TrimSuffix(c.WS, "/ws"), "ws://", "http://", 1) + "/health/leader"
	cl := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		if resp, err := cl.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("cluster: no leader served through haproxy within %s", within)
}

// WaitConverged waits until every node has applied the same index and
// reports the same state hash, and returns their statuses.
func (c *Cluster) WaitConverged(ctx context.Context, within time.Duration) ([]adminapi.Status, error) {
	deadline := time.Now().Add(within)
	var last []adminapi.Status
	var unreachable error
	for time.Now().Before(deadline) {
		last = last[:0]
		ok := true
		for _, n := range c.Nodes {
			s, err := c.Status(ctx, n)
			if err != nil {
				ok, unreachable = false, fmt.Errorf("%s: %w", n.ID, err)
				break
			}
			last = append(last, s)
		}
		if ok {
			same := true
			for _, s := range last[1:] {
				if s.FSMIndex != last[0].FSMIndex || s.StateHash != last[0].StateHash {
					same = false
				}
			}
			if same {
				return last, nil
			}
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	var where []string
	if len(last) < len(c.Nodes) && unreachable != nil {
		where = append(where, unreachable.Error())
	}
	for _, st := range last {
		where = append(where, fmt.Sprintf("%s: %s term %d, commit %d, applied %d, fsm %d, state %.12s", st.ID, st.State, st.Term, st.CommitIndex, st.AppliedIndex, st.FSMIndex, st.StateHash))
	}
	return last, fmt.Errorf("cluster: the nodes did not converge within %s (%s)", within, strings.Join(where, "; "))
}

// Metric reads one unlabeled gauge from n's /metrics (-1 when absent).
func (c *Cluster) Metric(n *Node, name string) float64 {
	cl := &http.Client{Timeout: 2 * time.Second}
	resp, err := cl.Get(n.base() + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err == nil {
				return f
			}
		}
	}
	return -1
}

// Terminate stops every node with SIGTERM (SIGKILL after 15 s) and waits.
func (c *Cluster) Terminate() {
	for _, n := range c.Nodes {
		if n.Alive() {
			_ = n.signal(syscall.SIGCONT)
			_ = n.signal(syscall.SIGTERM)
		}
	}
	for _, n := range c.Nodes {
		n.mu.Lock()
		done := n.exited
		n.mu.Unlock()
		if done == nil {
			continue
		}
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = n.signal(syscall.SIGKILL)
			<-done
		}
	}
}

// Close stops everything and removes what Start set up.
func (c *Cluster) Close() {
	for _, n := range c.Nodes {
		if n.veth != "" {
			_ = c.Heal(n)
		}
	}
	c.Terminate()
	if c.haproxy != nil && c.haproxy.Process != nil {
		_ = c.haproxy.Process.Signal(syscall.SIGKILL)
		<-c.haproxyDone
	}
	if c.PG != nil {
		c.PG.Close()
	}
	for _, m := range c.mounts {
		_ = exec.Command("umount", "-l", m).Run()
	}
	for _, n := range c.Nodes {
		if n.veth != "" {
			_ = exec.Command("ip", "link", "del", n.veth).Run()
		}
		if n.ns != "" {
			_ = exec.Command("ip", "netns", "del", n.ns).Run()
		}
	}
	if c.bridge != "" {
		_ = exec.Command("ip", "link", "del", c.bridge).Run()
	}
	if !c.cfg.Keep {
		_ = os.RemoveAll(c.cfg.Dir)
	}
}

// Keep makes Close leave the cluster's directory (logs, data) and
// returns it.
func (c *Cluster) Keep() string {
	c.cfg.Keep = true
	return c.cfg.Dir
}

// Addrs lists the nodes' player addresses over transport ("ws", "tcp").
func (c *Cluster) Addrs(transport string) []string {
	var out []string
	for _, n := range c.Nodes {
		if transport == "tcp" {
			out = append(out, "tcp://"+n.TCPAddr)
		} else {
			out = append(out, "ws://"+n.HTTPAddr+"/ws")
		}
	}
	return out
}

// freeAddrs returns n distinct free loopback addresses.
func freeAddrs(n int) ([]string, error) {
	var out []string
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		out = append(out, l.Addr().String())
	}
	return out, nil
}
