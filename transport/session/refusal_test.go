package session_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tableraft/game"
	"tableraft/transport/auth"
	"tableraft/transport/client"
	"tableraft/transport/codec"
	"tableraft/transport/session"
)

// helloAs connects a raw TCP client and says hello as player.
func (b *border) helloAs(player string) *raw {
	b.t.Helper()
	r := b.raw()
	r.send(fmt.Sprintf(`{"type":"hello","token":%q}`, b.token(player)))
	if m := r.next(); m["type"] != "welcome" || m["player"] != player {
		b.t.Fatalf("hello as %s: %v", player, m)
	}
	return r
}

// TestTokensRefused: a forged token, an expired one, garbage, and a first
// message that is not hello each get unauthorized and a closed connection.
func TestTokensRefused(t *testing.T) {
	b := newBorder(t, session.DefaultLimits)
	forger, _ := auth.New([]byte("not-the-cluster-secret-0123456789abc"))
	forged, _ := forger.Mint("p1", time.Hour)
	for name, first := range map[string]string{
		"forged token":   fmt.Sprintf(`{"type":"hello","token":%q}`, forged),
		"garbage token":  `{"type":"hello","token":"eyJhbGciOiJub25lIn0.e30."}`,
		"no hello first": `{"type":"listTables","seq":1}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := b.raw()
			r.send(first)
			if m := r.next(); m["type"] != "error" || m["code"] != "unauthorized" {
				t.Fatalf("answer %v, want error unauthorized", m)
			}
			if !r.closed() {
				t.Fatal("the connection stayed open")
			}
		})
	}
	// The Go client reports it as a refusal, not as something to retry.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := client.Dial(ctx, client.Config{Addrs: []string{b.wsURL}, Token: forged})
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Code != "unauthorized" {
		t.Fatalf("client.Dial with a forged token: %v", err)
	}
}

// TestFollowerAnswersReconnect: a node that does not serve players answers
// hello with reconnect and the leader's published addresses.
func TestFollowerAnswersReconnect(t *testing.T) {
	b := newBorder(t, session.DefaultLimits)
	b.stopLeading()
	r := b.raw()
	r.send(fmt.Sprintf(`{"type":"hello","token":%q}`, b.token("p1")))
	m := r.next()
	if m["type"] != "reconnect" || m["reason"] != "leaderChanged" || m["leaderId"] != "n1" || m["http"] != "127.0.0.1:8001" || m["tcp"] != "127.0.0.1:9001" {
		t.Fatalf("answer %v, want reconnect naming n1's addresses", m)
	}
	if !r.closed() {
		t.Fatal("the connection stayed open")
	}
}

// TestRefusals: each refused message gets its code, changes nothing, and
// the node keeps serving another player meanwhile.
func TestRefusals(t *testing.T) {
	lim := session.DefaultLimits
	lim.Rate, lim.Burst = 50, 50
	b := newBorder(t, lim)
	// A Schafkopf table of four raw players with a long turn timer: no bot
	// moves, so the state stands still between the checks.
	ps := make([]*raw, 4)
	var table float64
	for i := range ps {
		ps[i] = b.helloAs(fmt.Sprintf("r%d", i))
		if i == 0 {
			ps[0].send(`{"type":"createTable","seq":1,"game":"schafkopf","options":{"turnTimeoutMs":600000}}`)
			table = ps[0].until("ack", 1)["table"].(float64)
		} else {
			ps[i].send(fmt.Sprintf(`{"type":"joinTable","seq":1,"table":%v}`, table))
			ps[i].until("ack", 1)
		}
	}
	other := b.helloAs("bystander")
	// Everyone answers the knock window; forehand is then to announce.
	for i, p := range ps {
		p.send(fmt.Sprintf(`{"type":"noKnock","seq":2,"table":%v}`, table))
		p.until("ack", 2)
		_ = i
	}
	hash := b.f.StateHash()
	expect := func(p *raw, line, code string, seq float64) {
		t.Helper()
		p.send(line)
		m := p.until("error", seq)
		if m["code"] != code {
			t.Fatalf("%s: answer %v, want %s", line, m, code)
		}
		if h := b.f.StateHash(); h != hash {
			t.Fatalf("%s changed the state", line)
		}
		other.send(`{"type":"listTables","seq":7}`)
		other.until("tables", 7)
	}
	sv, _ := b.f.ViewFor(int64(table), "r0")
	turn := sv.View.Turn
	notTurn := ps[(turn+1)%4]
	expect(notTurn, fmt.Sprintf(`{"type":"pass","seq":3,"table":%v}`, table), "notYourTurn", 3)
	expect(other, fmt.Sprintf(`{"type":"pass","seq":3,"table":%v}`, table), "notSeated", 3)
	expect(ps[turn], fmt.Sprintf(`{"type":"playACard","seq":3,"table":%v,"card":"ZZ"}`, table), "badCard", 3)
	expect(ps[turn], fmt.Sprintf(`{"type":"joinTable","seq":4,"table":%v}`, table), "alreadySeated", 4)
	expect(other, fmt.Sprintf(`{"type":"joinTable","seq":4,"table":%v}`, table), "tableFull", 4)
	expect(other, `{"type":"joinTable","seq":5,"table":999}`, "unknownTable", 5)
	expect(ps[turn], `{"type":"playACard","seq":5,"table":1,"card":`, "badMessage", 0)
	expect(ps[turn], `{"type":"fold","seq":6,"table":1}`, "badMessage", 0)

	// Announce a game (the forehand announces the first option the table
	// offers, the others pass) to reach the play stage.
	for seq := 10; ; seq++ {
		sv, _ := b.f.ViewFor(int64(table), "r0")
		if sv.View.Stage == "play" || sv.View.Turn < 0 {
			break
		}
		seat := sv.View.Turn
		own, _ := b.f.ViewFor(int64(table), fmt.Sprintf("r%d", seat))
		line := fmt.Sprintf(`{"type":"pass","seq":%d,"table":%v}`, seq, table)
		for _, c := range own.View.Legal {
			if a, ok := c.(game.Announce); ok {
				w, _ := codec.FromCommand(a, game.SchafkopfNotation)
				w.Seq, w.Table = int64(seq), int64(table)
				line = string(codec.EncodeCommand(w))
				break
			}
		}
		ps[seat].send(line)
		ps[seat].until("ack", float64(seq))
	}
	// Play until a seat holds a card the follow rules forbid; refuse it,
	// and a card of another seat's hand.
	refusedFollow := false
	for seq := 30; seq < 70 && !refusedFollow; seq++ {
		sv, _ := b.f.ViewFor(int64(table), "r0")
		if sv.View.Stage != "play" {
			t.Fatalf("the deal ended in stage %s before a follow refusal", sv.View.Stage)
		}
		seat := sv.View.Turn
		own, _ := b.f.ViewFor(int64(table), fmt.Sprintf("r%d", seat))
		next, _ := b.f.ViewFor(int64(table), fmt.Sprintf("r%d", (seat+1)%4))
		hash = b.f.StateHash()
		expect(ps[seat], fmt.Sprintf(`{"type":"playACard","seq":%d,"table":%v,"card":%q}`, seq, table, game.SchafkopfNotation.Format(next.View.Hand[0])), "cardNotInHand", float64(seq))
		seq++
		legal := map[game.Card]bool{}
		for _, c := range own.View.Legal {
			if pc, ok := c.(game.PlayCard); ok {
				legal[pc.Card] = true
			}
		}
		for _, c := range own.View.Hand {
			if !legal[c] && len(own.View.Trick) > 0 {
				p := ps[seat]
				p.send(fmt.Sprintf(`{"type":"playACard","seq":%d,"table":%v,"card":%q}`, seq, table, game.SchafkopfNotation.Format(c)))
				m := p.until("error", float64(seq))
				switch m["code"] {
				case "mustFollowSuit", "calledAceRule", "mustTrump":
				default:
					t.Fatalf("a card against the rules: %v", m)
				}
				if b.f.StateHash() != hash {
					t.Fatal("a refused card changed the state")
				}
				refusedFollow = true
				seq++
				break
			}
		}
		var play game.Card
		for c := range legal {
			play = c
			break
		}
		ps[seat].send(fmt.Sprintf(`{"type":"playACard","seq":%d,"table":%v,"card":%q}`, seq, table, game.SchafkopfNotation.Format(play)))
		ps[seat].until("ack", float64(seq))
	}
	if !refusedFollow {
		t.Fatal("no seat ever held a card the follow rules forbid")
	}

	// A 1 MiB message: refused, the connection stays open.
	hash = b.f.StateHash()
	big := `{"type":"ping","pad":"` + strings.Repeat("x", 1<<20) + `"}`
	expect(other, big, "badMessage", 0)
	other.send(`{"type":"ping"}`)
	other.until("pong", 0)

	// 1,000 messages in a second from one client: those over the budget
	// get rateLimited; the others still play.
	flood := b.helloAs("flooder")
	var limited int
	go func() {
		for i := 0; i < 1000; i++ {
			flood.c.Write([]byte(fmt.Sprintf(`{"type":"listTables","seq":%d}`+"\n", 100+i)))
		}
	}()
	for got := 0; got < 1000; {
		m := flood.next()
		switch m["type"] {
		case "tables":
			got++
		case "error":
			got++
			if m["code"] == "rateLimited" {
				limited++
			}
		}
	}
	if limited < 900 {
		t.Fatalf("%d of 1000 flooding messages were rate-limited, want most", limited)
	}
	other.send(`{"type":"listTables","seq":8}`)
	other.until("tables", 8)
}
