package session_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tableraft/transport/client"
	"tableraft/transport/client/autoplay"
)

// TestLeadershipLossAndResume: while four tables play, the node stops
// leading (every session gets reconnect and is closed), then leads again:
// every client reconnects by itself, resumes its tables without a gap or a
// repeat, and the deals go on to their results.
func TestLeadershipLossAndResume(t *testing.T) {
	b := newBorder(t, fastLimits())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type seatRec struct {
		p     *autoplay.Player
		table int64
	}
	var all []seatRec
	for i := 0; i < 4; i++ {
		table, ps := seatPlayers(t, b, ctx, []string{"schafkopf", "schnapsen"}[i%2], fmt.Sprintf("lr%d", i), 2, []int{2, 0}[i%2], client.Options{TurnTimeoutMs: 5000})
		for _, p := range ps {
			all = append(all, seatRec{p: p, table: table})
		}
	}
	waitFor(t, 30*time.Second, "a deal at every table", func() bool {
		for _, s := range all {
			if s.p.Results(s.table) < 1 {
				return false
			}
		}
		return true
	})
	before := make([]int, len(all))
	states := make([]int, len(all))
	for i, s := range all {
		before[i] = s.p.C.Reconnects()
		_, states[i], _ = b.streams[s.p].counts()
	}
	b.stopLeading()
	b.lead()
	waitFor(t, 30*time.Second, "every client to reconnect and finish two more deals", func() bool {
		for i, s := range all {
			if s.p.C.Reconnects() <= before[i] || s.p.Results(s.table) < 3 {
				return false
			}
		}
		return true
	})
	// The gap was replayed from the events the node holds: no client
	// needed a tableState, and no stream has a gap.
	for i, s := range all {
		_, st, gaps := b.streams[s.p].counts()
		if st != states[i] || gaps != 0 {
			t.Errorf("client %d: %d tableStates after the reconnect, %d gaps", i, st-states[i], gaps)
		}
	}
}
