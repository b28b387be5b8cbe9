package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestJoinAndRemove: a fourth node started with --join becomes a voter
// and catches up; tablectl remove takes it out again.
func TestJoinAndRemove(t *testing.T) {
	c := newCluster(t, 3)
	leader := c.waitLeader(10 * time.Second)
	addrs := freeAddrs(t, 2)
	dir := t.TempDir()
	n4 := &node{id: "n4", raftAddr: addrs[0], httpAddr: addrs[1],
		dataDir: filepath.Join(dir, "n4"), logPath: filepath.Join(dir, "n4.log")}
	c.nodes = append(c.nodes, n4)
	c.start(n4, "--join", leader.base())

	waitFor(t, 30*time.Second, "n4 to join as a voter and catch up", func() bool {
		s, err := c.status(leader)
		if err != nil || len(s.Servers) != 4 {
			return false
		}
		s4, err := c.status(n4)
		return err == nil && s4.State == "follower" && s4.AppliedIndex >= s.CommitIndex
	})
	out, err := c.tablectl("status")
	if err != nil || strings.Count(out, "follower") != 3 {
		t.Fatalf("tablectl status after the join: %v\n%s", err, out)
	}

	out, err = c.tablectl("remove", "--id", "n4")
	if err != nil || !strings.Contains(out, "n4 removed") {
		t.Fatalf("tablectl remove: %v\n%s", err, out)
	}
	waitFor(t, 10*time.Second, "the membership and the published nodes to shrink to 3", func() bool {
		s, err := c.status(c.waitLeader(5 * time.Second))
		return err == nil && len(s.Servers) == 3 && len(s.Nodes) == 3
	})
	c.kill(n4)
	c.nodes = c.nodes[:3]
	out, err = c.tablectl("transfer", "--proxy=")
	if err != nil {
		t.Fatalf("transfer in the 3-node cluster after the removal: %v\n%s", err, out)
	}
}
