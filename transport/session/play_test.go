package session_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tableraft/transport/client"
	"tableraft/transport/client/autoplay"
	"tableraft/transport/session"
)

// seatPlayers connects n players (alternating WebSocket and TCP), the
// first creates a table of game with bots, the others join, and each
// gets an autoplay player. It returns the table and the players.
func seatPlayers(t *testing.T, b *border, ctx context.Context, game string, prefix string, n, bots int, opts client.Options) (int64, []*autoplay.Player) {
	t.Helper()
	var players []*autoplay.Player
	var table int64
	for i := 0; i < n; i++ {
		url := b.wsURL
		if i%2 == 1 {
			url = b.tcpURL
		}
		c := b.dial(fmt.Sprintf("%s-%d", prefix, i), url)
		p := autoplay.New(c, uint64(i+1))
		rec := &stream{}
		p.OnMessage = rec.add
		b.streams[p] = rec
		players = append(players, p)
		go p.Run(ctx)
		var req client.Request
		if i == 0 {
			req = client.CreateTable(game, bots, opts)
		} else {
			req = client.JoinTable(table)
		}
		ack, err := c.Do(ctx, req)
		if err != nil {
			t.Fatalf("%s %d: %v", req.Type(), i, err)
		}
		if i == 0 {
			table = ack.Table
		}
	}
	return table, players
}

// TestPlayersFinishDeals: a Schafkopf table of four connected players (two
// over WebSocket, two over TCP) and a Schnapsen table of one player and a
// bot play several deals to their results through the border.
func TestPlayersFinishDeals(t *testing.T) {
	b := newBorder(t, fastLimits())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sk, skPlayers := seatPlayers(t, b, ctx, "schafkopf", "sk", 4, 0, client.Options{TurnTimeoutMs: 5000})
	sn, snPlayers := seatPlayers(t, b, ctx, "schnapsen", "sn", 1, 1, client.Options{TurnTimeoutMs: 5000})
	waitFor(t, 60*time.Second, "3 deals at each table", func() bool {
		for _, p := range skPlayers {
			if p.Results(sk) < 3 {
				return false
			}
		}
		return snPlayers[0].Results(sn) >= 3
	})
	for i, p := range append(skPlayers, snPlayers...) {
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("player %d's moves were refused: %v", i, errs)
		}
	}
	if n := len(b.f.Outbox()); n < 6 {
		t.Errorf("%d results in the outbox, want at least 6", n)
	}
}

// fastLimits are the default limits with a message rate no machine-speed
// player reaches: the players here answer prompts at once.
func fastLimits() session.Limits {
	l := session.DefaultLimits
	l.Rate, l.Burst = 10000, 10000
	return l
}

// stream records what one client received, for checks after the fact.
type stream struct {
	mu     sync.Mutex
	msgs   []client.Message
	states int // tableStates received
	gaps   int // table events not numbered last+1
	last   map[int64]int64
}

func (s *stream) add(m client.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[int64]int64{}
	}
	s.msgs = append(s.msgs, m)
	switch {
	case m.Type == "tableState":
		s.states++
		s.last[m.Table] = m.Event
	case m.IsTableEvent():
		if l, ok := s.last[m.Table]; ok && m.Event != l+1 {
			s.gaps++
		}
		s.last[m.Table] = m.Event
	}
}

func (s *stream) counts() (msgs, states, gaps int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs), s.states, s.gaps
}
