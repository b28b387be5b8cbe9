package raftnode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The helpers below are real code, in the style of hashicorp/raft's
// testing.go: a test reads like the scenario it checks. They poll with
// deadlines and never sleep a fixed time.

// waitTimeout bounds every wait in these tests; elections take about a
// second with the default timeouts, more under -race on a busy machine.
const waitTimeout = 15 * time.Second

// testLogger discards logs unless RAFTNODE_TEST_LOG is set, which sends
// them (debug level) to stderr.
func testLogger() *slog.Logger {
	if os.Getenv("RAFTNODE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// testNode is one member of a testCluster, up or down.
type testNode struct {
	id, addr, dir string
	cfg           Config
	fsm           *testFSM
	layer         *FaultLayer
	ptr           atomic.Pointer[Node] // nil while down; load workers read it

	dutyRunning atomic.Int32 // duties of this node running now
	dutyStarts  atomic.Int32 // how often the duty started
	dutySawLen  atomic.Int64 // FSM length when the duty last started

	applyDelay time.Duration // for the FSM of the next open
}

// node returns the running Node, or nil while the member is down.
func (tn *testNode) node() *Node { return tn.ptr.Load() }

// testCluster is an in-process Raft group on 127.0.0.1.
type testCluster struct {
	t     testing.TB
	nodes []*testNode
	// isolated nodes are cut off from all others (Partition).
	mu       sync.Mutex
	isolated map[string]bool
	// openNode, when set, opens a member in place of the test FSM and
	// its counting duty (tables_test.go runs the real FSM and duty so).
	// It is called at the start and on every Restart, with tn's layer
	// ready, and must return the running Node.
	openNode func(tn *testNode) *Node
}

// clusterOption adjusts every node's Config before Open.
type clusterOption func(*Config)

// newTestCluster bootstraps n voters ("n1".."nN") on free loopback ports
// with t.TempDir() data dirs, each with a counting duty, and closes them
// at the end of the test.
func newTestCluster(t testing.TB, n int, opts ...clusterOption) *testCluster {
	t.Helper()
	return startTestCluster(t, n, nil, opts...)
}

// startTestCluster is newTestCluster with openNode (see testCluster) in
// place of the test FSM when it is not nil.
func startTestCluster(t testing.TB, n int, openNode func(*testNode) *Node, opts ...clusterOption) *testCluster {
	t.Helper()
	c := &testCluster{t: t, isolated: map[string]bool{}, openNode: openNode}
	var peers []Peer
	for i := 1; i <= n; i++ {
		tn := c.newNode(fmt.Sprintf("n%d", i), "127.0.0.1:0", opts)
		peers = append(peers, Peer{ID: tn.id, Addr: tn.addr})
	}
	for _, tn := range c.nodes {
		tn.cfg.Bootstrap = peers
		c.open(tn)
	}
	t.Cleanup(c.Close)
	return c
}

// newNode prepares (but does not open) a node listening on bind.
func (c *testCluster) newNode(id, bind string, opts []clusterOption) *testNode {
	c.t.Helper()
	layer, err := NewTCPStreamLayer(bind, "", nil)
	if err != nil {
		c.t.Fatalf("listen for %s: %v", id, err)
	}
	tn := &testNode{id: id, addr: layer.Addr().String(), dir: c.t.TempDir()}
	tn.layer = NewFaultLayer(layer)
	tn.cfg = Config{ID: id, DataDir: tn.dir, StreamLayer: tn.layer, Logger: testLogger()}
	for _, o := range opts {
		o(&tn.cfg)
	}
	c.nodes = append(c.nodes, tn)
	return tn
}

// open starts tn with a fresh FSM, as a restarted process would.
func (c *testCluster) open(tn *testNode) {
	c.t.Helper()
	if tn.layer == nil {
		layer, err := NewTCPStreamLayer(tn.addr, "", nil)
		if err != nil {
			c.t.Fatalf("listen again for %s: %v", tn.id, err)
		}
		tn.layer = NewFaultLayer(layer)
		tn.cfg.StreamLayer = tn.layer
	}
	if c.openNode != nil {
		tn.ptr.Store(c.openNode(tn))
		return
	}
	tn.fsm = newTestFSM()
	tn.fsm.applyDelay = tn.applyDelay
	n, err := Open(tn.cfg, tn.fsm)
	if err != nil {
		c.t.Fatalf("open %s: %v", tn.id, err)
	}
	tn.ptr.Store(n)
	fsm := tn.fsm
	n.AddDuty(Duty{Name: "count", Run: func(ctx context.Context) {
		tn.dutyStarts.Add(1)
		l, _ := fsm.state()
		tn.dutySawLen.Store(int64(l))
		tn.dutyRunning.Add(1)
		defer tn.dutyRunning.Add(-1)
		<-ctx.Done()
	}})
}

// Kill stops id without a leadership transfer, like a crash.
func (c *testCluster) Kill(id string) {
	c.t.Helper()
	tn := c.Node(id)
	if err := tn.ptr.Swap(nil).Close(); err != nil {
		c.t.Errorf("close %s: %v", id, err)
	}
	tn.layer = nil
}

// Restart reopens a killed node on its old address and data dir.
func (c *testCluster) Restart(id string) {
	c.t.Helper()
	c.open(c.Node(id))
}

// Close stops every node that is up.
func (c *testCluster) Close() {
	for _, tn := range c.nodes {
		if n := tn.ptr.Swap(nil); n != nil {
			if err := n.Close(); err != nil {
				c.t.Errorf("close %s: %v", tn.id, err)
			}
		}
	}
}

// Node returns the member id.
func (c *testCluster) Node(id string) *testNode {
	for _, tn := range c.nodes {
		if tn.id == id {
			return tn
		}
	}
	c.t.Fatalf("no node %s", id)
	return nil
}

// up lists the running nodes.
func (c *testCluster) up() []*testNode {
	var out []*testNode
	for _, tn := range c.nodes {
		if tn.node() != nil {
			out = append(out, tn)
		}
	}
	return out
}

// connected lists the running nodes that are not isolated.
func (c *testCluster) connected() []*testNode {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*testNode
	for _, tn := range c.up() {
		if !c.isolated[tn.id] {
			out = append(out, tn)
		}
	}
	return out
}

// Partition cuts id off from every other node, both ways.
func (c *testCluster) Partition(id string) {
	c.mu.Lock()
	c.isolated[id] = true
	c.mu.Unlock()
	c.setFault(id, FaultCut)
}

// PartitionDrop isolates id by black-holing its traffic instead.
func (c *testCluster) PartitionDrop(id string) {
	c.mu.Lock()
	c.isolated[id] = true
	c.mu.Unlock()
	c.setFault(id, FaultDrop)
}

func (c *testCluster) setFault(id string, f Fault) {
	x := c.Node(id)
	for _, tn := range c.nodes {
		if tn.id == id || tn.layer == nil {
			continue
		}
		x.layer.Set(f, tn.addr)
		tn.layer.Set(f, x.addr)
	}
}

// Heal removes every fault.
func (c *testCluster) Heal() {
	c.mu.Lock()
	clear(c.isolated)
	c.mu.Unlock()
	for _, tn := range c.nodes {
		if tn.layer != nil {
			tn.layer.Heal()
		}
	}
}

// currentLeader returns the connected node that leads and that every
// other connected node follows, or nil.
func (c *testCluster) currentLeader() *testNode {
	var leader *testNode
	nodes := c.connected()
	for _, tn := range nodes {
		if tn.node().IsLeader() {
			if leader != nil {
				return nil
			}
			leader = tn
		}
	}
	if leader == nil {
		return nil
	}
	for _, tn := range nodes {
		if id, _ := tn.node().Leader(); id != leader.id {
			return nil
		}
	}
	return leader
}

// Leader waits until the connected nodes agree on one leader.
func (c *testCluster) Leader(t testing.TB) *testNode {
	t.Helper()
	var leader *testNode
	waitFor(t, "one agreed leader", func() bool {
		leader = c.currentLeader()
		return leader != nil
	})
	return leader
}

// Followers returns the connected nodes other than the leader.
func (c *testCluster) Followers(t testing.TB) []*testNode {
	t.Helper()
	l := c.Leader(t)
	var out []*testNode
	for _, tn := range c.connected() {
		if tn != l {
			out = append(out, tn)
		}
	}
	return out
}

// WaitApplied waits until every running node's FSM holds at least n
// commands.
func (c *testCluster) WaitApplied(t testing.TB, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("all FSMs at %d commands", n), func() bool {
		for _, tn := range c.up() {
			if l, _ := tn.fsm.state(); l < n {
				return false
			}
		}
		return true
	})
}

// EnsureSame waits until every running node's FSM has the same commands,
// and returns them.
func (c *testCluster) EnsureSame(t testing.TB) []string {
	t.Helper()
	waitFor(t, "identical FSMs", func() bool {
		nodes := c.up()
		l0, h0 := nodes[0].fsm.state()
		for _, tn := range nodes[1:] {
			if l, h := tn.fsm.state(); l != l0 || h != h0 {
				return false
			}
		}
		return true
	})
	return c.up()[0].fsm.commands()
}

// mustPropose proposes data through the leader and fails the test if it
// cannot. Like a client, it rides out a leader change (on a loaded
// machine even a healthy group may re-elect): a refusal that proves
// nothing was appended is retried, and an unknown outcome is settled by
// a Barrier on the next leader, which tells whether the entry made it. It
// is for sequential use only: it recognises its entry by the FSM length.
func (c *testCluster) mustPropose(t testing.TB, data string) any {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		leader := c.Leader(t)
		before, _ := leader.fsm.state()
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		res, err := leader.node().Propose(ctx, []byte(data))
		cancel()
		switch {
		case err == nil:
			return res
		case errors.Is(err, ErrNotLeader), errors.Is(err, ErrTimeout):
			continue
		case errors.Is(err, ErrOutcomeUnknown):
			t.Logf("propose %q: %v; settling the outcome", data, err)
			next := c.Leader(t)
			for next.node().raft.Barrier(waitTimeout).Error() != nil && time.Now().Before(deadline) {
				next = c.Leader(t) // lost again: settle on the one after
			}
			if l, _ := next.fsm.state(); l > before {
				return l // it was committed after all
			}
		default:
			t.Fatalf("propose %q: %v", data, err)
		}
	}
	t.Fatalf("propose %q: no success within %v", data, waitTimeout)
	return nil
}

// waitFor polls cond until it holds or waitTimeout passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// load proposes distinct commands from several workers through whichever
// node leads, as clients behind haproxy would, until stopped.
type load struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	acked   []string // applied, acknowledged
	unknown []string // ErrOutcomeUnknown: may or may not be applied
	other   []error  // errors of no expected kind
}

// startLoad runs workers that propose until Stop. A command refused
// before it was appended (not leader, timeout) is retried as is; one with
// an unknown outcome is given up, so no command can be applied twice.
func (c *testCluster) startLoad(workers int) *load {
	ctx, cancel := context.WithCancel(context.Background())
	ld := &load{cancel: cancel}
	for w := range workers {
		ld.wg.Add(1)
		go func() {
			defer ld.wg.Done()
			for i := 0; ctx.Err() == nil; {
				cmd := fmt.Sprintf("w%d-%d", w, i)
				err := c.proposeOnce(ctx, cmd)
				switch {
				case err == nil:
					ld.record(&ld.acked, cmd)
					i++
				case errors.Is(err, ErrOutcomeUnknown):
					ld.record(&ld.unknown, cmd)
					i++
				case errors.Is(err, ErrNotLeader), errors.Is(err, ErrTimeout), errors.Is(err, ErrShutdown):
					time.Sleep(5 * time.Millisecond) // wait out the election
				default:
					ld.mu.Lock()
					ld.other = append(ld.other, err)
					ld.mu.Unlock()
					return
				}
			}
		}()
	}
	return ld
}

// proposeOnce sends cmd to the node that leads now, if any.
func (c *testCluster) proposeOnce(ctx context.Context, cmd string) error {
	// Load each node once: a Kill or Restart may swap it out between
	// the leadership check and the proposal.
	var leader *Node
	for _, tn := range c.connected() {
		if n := tn.node(); n != nil && n.IsLeader() {
			leader = n
		}
	}
	if leader == nil {
		return &NotLeaderError{}
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := leader.Propose(pctx, []byte(cmd))
	return err
}

func (ld *load) record(list *[]string, cmd string) {
	ld.mu.Lock()
	*list = append(*list, cmd)
	ld.mu.Unlock()
}

// ackedCount is how many commands were acknowledged so far.
func (ld *load) ackedCount() int {
	ld.mu.Lock()
	defer ld.mu.Unlock()
	return len(ld.acked)
}

// Stop ends the workers and returns what they saw.
func (ld *load) Stop(t testing.TB) (acked, unknown []string) {
	t.Helper()
	ld.cancel()
	ld.wg.Wait()
	for _, err := range ld.other {
		t.Errorf("unexpected propose error: %v", err)
	}
	return ld.acked, ld.unknown
}

// checkNoLoss checks that every acknowledged load command is applied
// exactly once and every unknown one at most once, in applied (commands
// not from a load are ignored).
func checkNoLoss(t testing.TB, applied, acked, unknown []string) {
	t.Helper()
	count := make(map[string]int, len(applied))
	loadApplied := 0
	for _, c := range applied {
		if strings.HasPrefix(c, "w") {
			count[c]++
			loadApplied++
		}
	}
	for _, c := range acked {
		if count[c] != 1 {
			t.Errorf("acknowledged command %q applied %d times", c, count[c])
		}
	}
	for _, c := range unknown {
		if count[c] > 1 {
			t.Errorf("command %q with unknown outcome applied %d times", c, count[c])
		}
	}
	known := len(acked) + len(unknown)
	if loadApplied > known {
		t.Errorf("%d load commands applied, only %d proposed", loadApplied, known)
	}
	if len(acked) == 0 {
		t.Errorf("no command was acknowledged")
	}
}

// contains reports whether list holds s.
func contains(list []string, s string) bool { return slices.Contains(list, s) }
