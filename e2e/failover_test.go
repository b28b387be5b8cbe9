package e2e

import (
	"strings"
	"testing"
	"time"

	"tableraft/transport/adminapi"
)

// TestKillLeaderDuringPlay: three processes, bot deals on 24 tables, the
// leader dies by kill -9 mid-play. A new leader is elected and the deals go
// on; the dead node restarts and catches up; once the tables have closed
// every node holds the same state, and nothing committed before the kill
// is missing.
func TestKillLeaderDuringPlay(t *testing.T) {
	c := newCluster(t, 3)
	leader := c.waitLeader(10 * time.Second)

	var seats []adminapi.DevSeat
	for _, spec := range []struct {
		game string
		bots int
	}{{"schafkopf", 3}, {"schnapsen", 1}} {
		var res struct{ Seats []adminapi.DevSeat }
		c.post(leader, "/dev/tables", map[string]any{"player": "e2e-" + spec.game, "game": spec.game,
			"bots": spec.bots, "count": 12, "options": map[string]any{"turnTimeoutMs": 150}}, &res)
		seats = append(seats, res.Seats...)
	}
	if len(seats) != 24 {
		t.Fatalf("%d tables created, want 24", len(seats))
	}

	// Let several deals finish, then kill the leader in the middle of play.
	waitFor(t, 60*time.Second, "10 finished deals", func() bool { return c.dealsFinished() >= 10 })
	before, err := c.status(leader)
	if err != nil {
		t.Fatal(err)
	}
	beforeDeals := c.dealsFinished()
	c.kill(leader)
	killedAt := time.Now()

	newLeader := c.waitLeader(15 * time.Second)
	t.Logf("new leader %s after %s", newLeader.id, time.Since(killedAt).Round(time.Millisecond))
	if newLeader == leader {
		t.Fatal("the killed node still leads")
	}
	// Everything the old leader had committed and applied is there, and
	// play goes on under the new leader.
	waitFor(t, 30*time.Second, "play to go on under the new leader", func() bool {
		s, err := c.status(newLeader)
		return err == nil && s.FSMIndex > before.FSMIndex+50 && c.dealsFinished() > beforeDeals
	})

	c.start(leader)
	waitFor(t, 30*time.Second, "the restarted node to catch up", func() bool {
		s, err := c.status(leader)
		return err == nil && s.State == "follower" && s.FSMIndex > before.FSMIndex
	})

	out, err := c.tablectl("status")
	if err != nil || strings.Count(out, "follower") != 2 || strings.Count(out, "leader") < 1 {
		t.Fatalf("tablectl status: %v\n%s", err, out)
	}

	// The players leave; each table closes when its deal ends, the cluster
	// falls quiet and every node must hold the same state.
	c.post(c.waitLeader(10*time.Second), "/dev/leave", map[string]any{"seats": seats}, nil)
	waitFor(t, 60*time.Second, "every table to close", func() bool {
		s, err := c.status(c.waitLeader(10 * time.Second))
		return err == nil && s.Tables == 0
	})
	final := c.waitConverged(30 * time.Second)
	if finalDeals := c.dealsFinished(); finalDeals < beforeDeals {
		t.Fatalf("%d results after recovery, %d before the kill: committed results were lost", finalDeals, beforeDeals)
	}
	t.Logf("converged at index %d, hash %s, %d deals finished", final.FSMIndex, final.StateHash[:12], c.dealsFinished())
}

// TestTransferMidDeal moves leadership with tablectl while deals run and
// checks that play goes on under the new leader and the nodes converge.
func TestTransferMidDeal(t *testing.T) {
	c := newCluster(t, 3)
	leader := c.waitLeader(10 * time.Second)
	var res struct{ Seats []adminapi.DevSeat }
	c.post(leader, "/dev/tables", map[string]any{"player": "e2e-t", "game": "schnapsen", "bots": 1,
		"count": 5, "options": map[string]any{"turnTimeoutMs": 150}}, &res)
	waitFor(t, 30*time.Second, "a finished deal", func() bool { return c.dealsFinished() >= 1 })
	out, err := c.tablectl("transfer", "--proxy=")
	if err != nil || !strings.Contains(out, "leads") {
		t.Fatalf("tablectl transfer: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
	newLeader := c.waitLeader(10 * time.Second)
	if newLeader == leader {
		t.Fatal("leadership did not move")
	}
	before := c.dealsFinished()
	waitFor(t, 30*time.Second, "play to go on", func() bool { return c.dealsFinished() > before })
	c.post(newLeader, "/dev/leave", map[string]any{"seats": res.Seats}, nil)
	waitFor(t, 60*time.Second, "every table to close", func() bool {
		s, err := c.status(newLeader)
		return err == nil && s.Tables == 0
	})
	c.waitConverged(30 * time.Second)
}
