package codec

import (
	"encoding/json"
	"fmt"
	"testing"

	"tableraft/game"
	"tableraft/game/bot"
)

// TestEncodeGameTableState pins the game-specific fields of tableState,
// one golden line per game part.
func TestEncodeGameTableState(t *testing.T) {
	bs := NewEncoder(game.SchnapsenNotation)
	base := func(kind game.Kind, seats int) game.View {
		return game.View{Game: kind, Seat: 1, Seats: seats, DealNo: 1, Playing: true, Stage: "play", Turn: 1,
			Leader: 0, Balances: make([]int, seats), Bummerl: make([]int, seats)}
	}
	const head = `"deal":1,"dealer":0,"playing":true,"stage":"play","turn":1,"leader":0,"trickNo":0,`
	sauspiel := base(game.KindSchafkopf, 4)
	sauspiel.Schafkopf = &game.SchafkopfView{Knocks: []int{2},
		Calls: []game.SchafkopfCall{{Seat: 1, Game: game.Sauspiel, Ace: card(game.Ace, game.Clubs)}, {Seat: 2}, {Seat: 3, Game: game.Solo, Suit: game.Hearts}, {Seat: 0}},
		Game:  game.Solo, Declarer: 3, Suit: game.Hearts, Partner: -1, Kontra: 0, Re: -1, Points: []int{0, 0, 0, 0}}
	schnapsen := base(game.KindSchnapsen, 2)
	schnapsen.Schnapsen = &game.SchnapsenView{TrumpSuit: game.Diamonds, TrumpCard: card(game.Ten, game.Diamonds), Talon: 9,
		ClosedBy: -1, Score: 23, Pending: 20, Marriages: []game.SchnapsenMarriage{{Seat: 1, Suit: game.Hearts, Points: 20}}, CanClose: true}
	closed := base(game.KindSchnapsen, 2)
	closed.Schnapsen = &game.SchnapsenView{TrumpSuit: game.Clubs, TrumpCard: card(game.Jack, game.Clubs), Talon: 5, ClosedBy: 0, Strict: true}
	bauern := base(game.KindBauernschnapsen, 4)
	bauern.Bauernschnapsen = &game.BauernschnapsenView{Cutter: 3, Knocked: true, TrumpCalled: true, Trump: game.Spades,
		Calls: []game.BauernschnapsenCall{{Seat: 1, Game: game.Schnapser}, {Seat: 2}}, Contract: game.Schnapser, Declarer: 1,
		SittingOut: 3, Kontra: 2, Re: -1, Multiplier: 2, Scores: []int{0, 14}, Pending: []int{0, 0}}
	bettel := base(game.KindBauernschnapsen, 4)
	bettel.Bauernschnapsen = &game.BauernschnapsenView{Cutter: 0, TrumpCalled: true, Trump: game.Hearts, NoTrump: true,
		Aufschlagen: true, TurnedUp: card(game.King, game.Hearts), Contract: game.Bettel, Declarer: 2, SittingOut: 0,
		Kontra: -1, Re: -1, Multiplier: 1, Scores: []int{0, 0}, Pending: []int{0, 0},
		Marriages: []game.BauernschnapsenMarriage{{Seat: 1, Suit: game.Clubs, Points: 20}}}
	tests := []struct {
		name string
		e    *Encoder
		v    game.View
		want string
	}{
		{"schafkopf: knocks, the auction, a Solo with Kontra", sk, sauspiel,
			`{"type":"tableState","table":9,"event":7,"game":"schafkopf","options":{},"seat":1,"seats":["a","b","c","d"],` + head +
				`"balances":[0,0,0,0],"bummerl":[0,0,0,0],"knocks":[2],"calls":[{"seat":1,"game":"sauspiel","ace":"AE"},{"seat":2,"pass":true},` +
				`{"seat":3,"game":"solo","suit":"H"},{"seat":0,"pass":true}],"contract":"solo","declarer":3,"suit":"H","kontra":0,"points":[0,0,0,0]}`},
		{"schnapsen: the viewer's score, a marriage, may close", sn, schnapsen,
			`{"type":"tableState","table":9,"event":7,"game":"schnapsen","options":{},"seat":1,"seats":["a","b"],` + head +
				`"balances":[0,0],"bummerl":[0,0],"trumpSuit":"D","trumpCard":"XD","talon":9,"strict":false,"score":23,"pending":20,` +
				`"marriages":[{"seat":1,"suit":"H","points":20}],"canClose":true}`},
		{"schnapsen: closed by seat 0", sn, closed,
			`{"type":"tableState","table":9,"event":7,"game":"schnapsen","options":{},"seat":1,"seats":["a","b"],` + head +
				`"balances":[0,0],"bummerl":[0,0],"trumpSuit":"C","trumpCard":"JC","talon":5,"closedBy":0,"strict":true,"score":0,"pending":0,"marriages":[]}`},
		{"bauernschnapsen: a knocked Schnapser with Kontra", bs, bauern,
			`{"type":"tableState","table":9,"event":7,"game":"bauernschnapsen","options":{},"seat":1,"seats":["a","b","c","d"],` + head +
				`"balances":[0,0,0,0],"bummerl":[0,0,0,0],"cutter":3,"knocked":true,"trumpCalled":true,"trump":"S",` +
				`"calls":[{"seat":1,"game":"schnapser"},{"seat":2,"pass":true}],"contract":"schnapser","declarer":1,"sittingOut":3,"kontra":2,` +
				`"multiplier":2,"scores":[0,14],"pending":[0,0],"marriages":[]}`},
		{"bauernschnapsen: Bettel after Aufschlagen has no trump", bs, bettel,
			`{"type":"tableState","table":9,"event":7,"game":"bauernschnapsen","options":{},"seat":1,"seats":["a","b","c","d"],` + head +
				`"balances":[0,0,0,0],"bummerl":[0,0,0,0],"cutter":0,"knocked":false,"trumpCalled":true,"noTrump":true,"aufschlagen":true,` +
				`"turnedUp":"KH","calls":[],"contract":"bettel","declarer":2,"sittingOut":0,"multiplier":1,"scores":[0,0],"pending":[0,0],` +
				`"marriages":[{"seat":1,"suit":"C","points":20}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustBeJSON(t, tt.want)
			got := string(tt.e.TableState(&TableState{Table: 9, Event: 7, Players: []string{"a", "b", "c", "d"}[:tt.v.Seats], View: tt.v}))
			if got != tt.want {
				t.Fatalf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestTableStateNeverShowsAnotherHand plays whole deals of every game
// with bots and, after every action, encodes each seat's tableState: its
// hand is exactly the seat's own, and no card held by another seat
// appears anywhere in it (the called ace and Aufschlagen's turned-up card
// are public by the rules and name a card without showing a hand).
func TestTableStateNeverShowsAnotherHand(t *testing.T) {
	for _, kind := range []game.Kind{game.KindSchafkopf, game.KindSchnapsen, game.KindBauernschnapsen} {
		t.Run(string(kind), func(t *testing.T) {
			tb, err := game.NewTable(game.Config{Game: kind})
			if err != nil {
				t.Fatal(err)
			}
			e := NewEncoder(tb.Notation())
			now := int64(1_000)
			var p bot.Player
			for deal := 0; deal < 6; deal++ {
				seed := game.Seed{byte(deal), 7}
				if _, err := tb.Handle(game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{Seed: seed}, Now: now}); err != nil {
					t.Fatal(err)
				}
				for step := 0; tb.Playing(); step++ {
					if step == 500 {
						t.Fatal("the deal did not end")
					}
					checkNoLeak(t, e, tb)
					now += 1000
					a, ok := p.Next(tb, now)
					if !ok {
						t.Fatal("stuck")
					}
					now = max(now, a.Now)
					if _, err := tb.Handle(a); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

func checkNoLeak(t *testing.T, e *Encoder, tb *game.Table) {
	t.Helper()
	hands := make([]map[string]bool, tb.Seats())
	for s := range hands {
		hands[s] = map[string]bool{}
		for _, c := range tb.View(s).Hand {
			hands[s][e.Format(c)] = true
		}
	}
	for s := range hands {
		var got map[string]any
		if err := json.Unmarshal(e.TableState(&TableState{Table: 1, View: tb.View(s)}), &got); err != nil {
			t.Fatal(err)
		}
		hand, _ := got["hand"].([]any)
		if len(hand) != len(hands[s]) {
			t.Fatalf("seat %d: hand %v, holds %v", s, hand, hands[s])
		}
		for _, c := range hand {
			if !hands[s][c.(string)] {
				t.Fatalf("seat %d: hand shows %v, which it does not hold", s, c)
			}
		}
		delete(got, "hand")
		walkStrings("", got, func(key, v string) {
			if key == "ace" || key == "turnedUp" {
				return
			}
			for o := range hands {
				if o != s && hands[o][v] {
					t.Fatalf("stage %s: seat %d's tableState shows %s (%q), a card seat %d holds", tb.StageName(), s, v, key, o)
				}
			}
		})
	}
}

// walkStrings calls f for every string in v with the key it sits under.
func walkStrings(key string, v any, f func(key, v string)) {
	switch v := v.(type) {
	case string:
		f(key, v)
	case []any:
		for _, x := range v {
			walkStrings(key, x, f)
		}
	case map[string]any:
		for k, x := range v {
			walkStrings(k, x, f)
		}
	case nil, bool, float64:
	default:
		panic(fmt.Sprintf("unexpected %T", v))
	}
}
