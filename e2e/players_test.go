package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"tableraft/transport/client"
)

// playTable is one table of the e2e game and its connected players.
type playTable struct {
	game  string
	id    int64
	seats []*seat
}

// TestPlayersThroughFailover: three nodes; 52 tables (Schafkopf with four
// connected players or two and two bots, Schnapsen with two players or
// one and a bot) play over WebSocket and TCP. During play a `tablectl
// transfer` and a kill -9 of the leader: every client reconnects by
// itself, following the hints to the leader, and finishes its deals.
// Then: no client saw a gap or a history that another client contradicts,
// every acked card is in the history, every finished deal has exactly one
// result in the outbox, and every node holds the same state.
func TestPlayersThroughFailover(t *testing.T) {
	pc := newPlayerCluster(t, 3, "--player-rate", "1000", "--player-burst", "1000")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	tables := pc.seatTables(t, ctx, 26)
	clients := 0
	for _, tb := range tables {
		clients += len(tb.seats)
	}
	t.Logf("%d tables, %d connected players", len(tables), clients)

	leader := pc.waitLeader(10 * time.Second)
	waitDeals(t, tables, 1)
	// The leader's metrics count the players and time their moves.
	waitFor(t, 5*time.Second, "every player in the leader's metrics", func() bool {
		return scrape(t, leader)["tableraft_players_connected"] == float64(clients)
	})
	if m := scrape(t, leader); m[`tableraft_command_duration_seconds_count{op="game",source="player"}`] < 1 {
		t.Error("the leader's metrics timed no player move")
	}
	out, err := pc.tablectl("transfer")
	if err != nil {
		t.Fatalf("tablectl transfer: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
	waitDeals(t, tables, 2)

	leader = pc.waitLeader(10 * time.Second)
	pc.kill(leader)
	t.Logf("killed the leader %s", leader.id)
	waitDeals(t, tables, 3)
	pc.restart(leader)
	final := pc.waitLeader(10 * time.Second)

	for _, tb := range tables {
		for _, s := range tb.seats {
			if n := s.c.Reconnects(); n < 2 {
				t.Errorf("%s reconnected %d times, want at least 2 (transfer, kill)", s.player, n)
			}
		}
	}
	waitFor(t, 20*time.Second, "every client to be served by the leader", func() bool {
		final = pc.waitLeader(10 * time.Second)
		for _, tb := range tables {
			for _, s := range tb.seats {
				if s.c.Node() != final.id {
					return false
				}
			}
		}
		return true
	})

	finishTables(ctx, t, pc, tables)
}

// finishTables has every player leave, waits until every table has closed,
// the nodes have converged and the outbox is drained, and checks what the
// players received (checkTable) and that every deal has one result.
func finishTables(ctx context.Context, t testing.TB, pc *playerCluster, tables []*playTable) {
	t.Helper()
	// Everyone leaves; each table closes when its deal in progress ends.
	for _, tb := range tables {
		for _, s := range tb.seats {
			lctx, lcancel := context.WithTimeout(ctx, 30*time.Second)
			if _, err := s.c.Do(lctx, client.LeaveTable(tb.id)); err != nil {
				t.Fatalf("%s leaves table %d: %v", s.player, tb.id, err)
			}
			lcancel()
		}
	}
	waitFor(t, 60*time.Second, "every table to close", func() bool {
		s, err := pc.status(pc.waitLeader(10 * time.Second))
		return err == nil && s.Tables == 0
	})
	end := pc.waitConverged(60 * time.Second)

	deals, hinted, reconnects := 0, 0, 0
	for _, tb := range tables {
		deals += checkTable(t, tb)
		for _, s := range tb.seats {
			s.rec.mu.Lock()
			hinted += s.rec.hinted
			reconnects += s.rec.reconnects
			s.rec.mu.Unlock()
		}
	}
	// Every deal has exactly one result: the result writer has moved them
	// from the outbox to the nodes' spools (no --pg here), keyed by game id.
	waitFor(t, 30*time.Second, "the result writer to drain the outbox", func() bool {
		s, err := pc.status(pc.waitLeader(10 * time.Second))
		return err == nil && s.Outbox == 0
	})
	if finished := pc.dealsFinished(); finished != deals {
		t.Errorf("%d results in the spools and the outbox, the tables started %d deals", finished, deals)
	}
	t.Logf("%d deals; %d reconnect messages, %d named the leader; converged at index %d, hash %s",
		deals, reconnects, hinted, end.FSMIndex, end.StateHash[:12])
}

// seatTable connects table i's players and seats them: the first creates
// the table, the others join. Transports and first nodes alternate.
func (pc *playerCluster) seatTable(ctx context.Context, i int, tb *playTable) error {
	humans, bots := 2, 0
	switch {
	case tb.game == "schafkopf" && i%4 == 0:
		humans, bots = 4, 0
	case tb.game == "schafkopf":
		humans, bots = 2, 2
	case i%4 == 1:
		humans, bots = 2, 0
	default:
		humans, bots = 1, 1
	}
	for h := 0; h < humans; h++ {
		transport := []string{"ws", "tcp"}[(i+h)%2]
		s := pc.connect(ctx, fmt.Sprintf("t%d-p%d", i, h), transport, i+h)
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var req client.Request
		if h == 0 {
			req = client.CreateTable(tb.game, bots, client.Options{TurnTimeoutMs: 3000})
		} else {
			req = client.JoinTable(tb.id)
		}
		ack, err := s.c.Do(rctx, req)
		cancel()
		if err != nil {
			return fmt.Errorf("%s %s: %w", s.player, req.Type(), err)
		}
		if h == 0 {
			tb.id = ack.Table
		}
		s.table = tb.id
		tb.seats = append(tb.seats, s)
	}
	return nil
}

// waitDeals waits until every player has seen n deal results at its table.
func waitDeals(t testing.TB, tables []*playTable, n int) {
	t.Helper()
	start := time.Now()
	waitFor(t, 120*time.Second, fmt.Sprintf("%d deals at every table", n), func() bool {
		for _, tb := range tables {
			for _, s := range tb.seats {
				if s.p.Results(tb.id) < n {
					return false
				}
			}
		}
		return true
	})
	t.Logf("every player has seen %d deal results (%s)", n, time.Since(start).Round(time.Millisecond))
}

// checkTable checks what the players of one table received and returns
// the number of deals the table started:
//   - each player's stream of events has no gap and no repeat;
//   - no two players disagree on a public event's content at any number;
//   - every acked card is played in the history at or before its ack.
func checkTable(t testing.TB, tb *playTable) int {
	t.Helper()
	public := map[int64]string{}            // event number -> raw public event
	played := map[int64]map[string]string{} // event number -> seat/card of cardPlayed
	maxDeal := 0
	seatOf := map[*seat]int{}
	for _, s := range tb.seats {
		last := int64(-1)
		for _, m := range s.rec.all() {
			if m.Table != tb.id {
				continue
			}
			switch {
			case m.Type == "tableState":
				var st struct {
					Seat *int
					Deal int
				}
				_ = json.Unmarshal(m.Raw, &st)
				if st.Seat != nil {
					seatOf[s] = *st.Seat
				}
				maxDeal = max(maxDeal, st.Deal)
				last = m.Event
				continue
			case !m.IsTableEvent():
				continue
			}
			if last >= 0 && m.Event != last+1 {
				t.Errorf("%s: event %d of table %d after %d", s.player, m.Event, tb.id, last)
			}
			last = m.Event
			switch m.Type {
			case "gameStarted":
				var g struct{ Deal int }
				_ = json.Unmarshal(m.Raw, &g)
				maxDeal = max(maxDeal, g.Deal)
			case "cardPlayed":
				var e struct {
					Seat int
					Card string
				}
				_ = json.Unmarshal(m.Raw, &e)
				played[m.Event] = map[string]string{"card": e.Card, "seat": fmt.Sprint(e.Seat)}
			}
			switch m.Type {
			case "cardsDealt", "cardsDrawn", "mustPlayCard", "mustAnnounce":
				continue // redacted per seat
			}
			if prev, ok := public[m.Event]; ok && prev != string(m.Raw) {
				t.Errorf("table %d event %d: %s saw %s, another player %s", tb.id, m.Event, s.player, m.Raw, prev)
			}
			public[m.Event] = string(m.Raw)
		}
	}
	for _, s := range tb.seats {
		seat, ok := seatOf[s]
		if !ok {
			t.Errorf("%s never got a tableState of table %d", s.player, tb.id)
			continue
		}
		for _, a := range s.p.Acks() {
			if a.Cmd.Name != "playACard" {
				continue
			}
			found := false
			for no := a.Event; no > a.Event-8 && no > 0; no-- {
				if p := played[no]; p != nil && p["card"] == a.Cmd.Card && p["seat"] == fmt.Sprint(seat) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: the acked %s (seq %d, event %d) is not in table %d's history", s.player, a.Cmd.Card, a.Seq, a.Event, tb.id)
			}
		}
	}
	return maxDeal
}
