package codec

import (
	"encoding/json"
	"testing"

	"tableraft/game"
)

func card(r game.Rank, s game.Suit) game.Card { return game.Card{Rank: r, Suit: s} }

var (
	sk = NewEncoder(game.SchafkopfNotation)
	sn = NewEncoder(game.SchnapsenNotation)
)

func mustEvent(t *testing.T, e *Encoder, table, no int64, ev game.Event) []byte {
	t.Helper()
	b, err := e.Event(table, no, ev)
	if err != nil {
		t.Fatalf("Event(%#v): %v", ev, err)
	}
	return b
}

// mustBeJSON guards the hand-written golden strings: each must be one JSON
// object.
func mustBeJSON(t *testing.T, s string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("golden %s: %v", s, err)
	}
}

// TestEncodeEveryEvent is the golden list of the table events: each event
// type in each of its shapes, as the client receives it.
func TestEncodeEveryEvent(t *testing.T) {
	hand := []game.Card{card(game.Ace, game.Diamonds), card(game.Ten, game.Hearts), card(game.Queen, game.Clubs)}
	sauspiel := game.Announce{Game: game.Sauspiel, Ace: card(game.Ace, game.Clubs)}
	prompt := game.MustPlayCard{
		Seat: 1, Deadline: 1_700_000_030_250, Legal: hand[:2],
		Marriages: []game.Suit{game.Hearts}, CanExchange: true, CanClose: true,
	}
	tests := []struct {
		name string
		e    *Encoder
		ev   game.Event
		want string
	}{
		{"gameStarted with a trump card", sn, game.GameStarted{Deal: 3, Dealer: 1, TrumpCard: card(game.Ten, game.Diamonds)},
			`{"type":"gameStarted","table":9,"event":130,"deal":3,"dealer":1,"trumpCard":"XD"}`},
		{"gameStarted without a trump card", sk, game.GameStarted{Deal: 1, Dealer: 0},
			`{"type":"gameStarted","table":9,"event":130,"deal":1,"dealer":0}`},
		{"cardsDealt to its seat", sn, game.VisibleTo(game.CardsDealt{Seat: 1, Cards: hand, Count: 3}, 1),
			`{"type":"cardsDealt","table":9,"event":130,"seat":1,"cards":["AD","XH","QC"]}`},
		{"cardsDealt to another seat", sn, game.VisibleTo(game.CardsDealt{Seat: 1, Cards: hand, Count: 3}, 0),
			`{"type":"cardsDealt","table":9,"event":130,"seat":1,"count":3}`},
		{"cardsDealt in schafkopf letters", sk, game.CardsDealt{Seat: 0, Cards: hand, Count: 3},
			`{"type":"cardsDealt","table":9,"event":130,"seat":0,"cards":["AS","XH","OE"]}`},
		{"cardsDrawn to its seat", sn, game.VisibleTo(game.CardsDrawn{Seat: 0, Cards: hand[:1], Count: 1}, 0),
			`{"type":"cardsDrawn","table":9,"event":130,"seat":0,"cards":["AD"]}`},
		{"cardsDrawn to another seat", sn, game.VisibleTo(game.CardsDrawn{Seat: 0, Cards: hand[:1], Count: 1}, 1),
			`{"type":"cardsDrawn","table":9,"event":130,"seat":0,"count":1}`},
		{"cardsDrawn of the public trump card", sn, game.VisibleTo(game.CardsDrawn{Seat: 0, Cards: hand[1:2], Count: 1, Public: true}, 1),
			`{"type":"cardsDrawn","table":9,"event":130,"seat":0,"cards":["XH"]}`},
		{"mustKnock", sk, game.MustKnock{Deadline: 5000},
			`{"type":"mustKnock","table":9,"event":130,"deadline":"1970-01-01T00:00:05.000Z"}`},
		{"knocked", sk, game.Knocked{Seat: 2}, `{"type":"knocked","table":9,"event":130,"seat":2}`},
		{"mustAnnounce to its seat", sk, game.VisibleTo(game.MustAnnounce{Seat: 0, Deadline: 1_700_000_000_000, Options: []game.Announce{
			sauspiel, {Game: game.Wenz}, {Game: game.Solo, Suit: game.Hearts}, {Game: game.Solo, Suit: game.Clubs}}}, 0),
			`{"type":"mustAnnounce","table":9,"event":130,"seat":0,"deadline":"2023-11-14T22:13:20.000Z","options":[` +
				`{"game":"sauspiel","ace":"AE"},{"game":"wenz"},{"game":"solo","suit":"H"},{"game":"solo","suit":"E"}]}`},
		{"mustAnnounce to another seat", sk, game.VisibleTo(game.MustAnnounce{Seat: 0, Deadline: 1_700_000_000_000, Options: []game.Announce{sauspiel}}, 3),
			`{"type":"mustAnnounce","table":9,"event":130,"seat":0,"deadline":"2023-11-14T22:13:20.000Z"}`},
		{"announced sauspiel", sk, game.Announced{Seat: 1, Game: game.Sauspiel, Ace: card(game.Ace, game.Spades)},
			`{"type":"announced","table":9,"event":130,"seat":1,"game":"sauspiel","ace":"AG"}`},
		{"announced solo", sk, game.Announced{Seat: 1, Game: game.Solo, Suit: game.Diamonds},
			`{"type":"announced","table":9,"event":130,"seat":1,"game":"solo","suit":"S"}`},
		{"announced wenz", sk, game.Announced{Seat: 1, Game: game.Wenz},
			`{"type":"announced","table":9,"event":130,"seat":1,"game":"wenz"}`},
		{"passed", sk, game.Passed{Seat: 3}, `{"type":"passed","table":9,"event":130,"seat":3}`},
		{"mustPlayCard to its seat", sn, game.VisibleTo(prompt, 1),
			`{"type":"mustPlayCard","table":9,"event":130,"seat":1,"deadline":"2023-11-14T22:13:50.250Z",` +
				`"legal":["AD","XH"],"marriages":["H"],"canExchange":true,"canClose":true}`},
		{"mustPlayCard to another seat", sn, game.VisibleTo(prompt, 0),
			`{"type":"mustPlayCard","table":9,"event":130,"seat":1,"deadline":"2023-11-14T22:13:50.250Z"}`},
		{"mustPlayCard without options", sk, game.MustPlayCard{Seat: 2, Deadline: 1000, Legal: hand[2:]},
			`{"type":"mustPlayCard","table":9,"event":130,"seat":2,"deadline":"1970-01-01T00:00:01.000Z","legal":["OE"]}`},
		{"cardPlayed", sn, game.CardPlayed{Seat: 0, Card: card(game.King, game.Spades)},
			`{"type":"cardPlayed","table":9,"event":130,"seat":0,"card":"KS"}`},
		{"trickTaken", sk, game.TrickTaken{Seat: 0, Points: 0}, `{"type":"trickTaken","table":9,"event":130,"seat":0,"points":0}`},
		{"kontra", sk, game.KontraGiven{Seat: 1}, `{"type":"kontra","table":9,"event":130,"seat":1}`},
		{"re", sk, game.ReGiven{Seat: 0}, `{"type":"re","table":9,"event":130,"seat":0}`},
		{"marriageAnnounced", sn, game.MarriageAnnounced{Seat: 1, Suit: game.Spades, Points: 40},
			`{"type":"marriageAnnounced","table":9,"event":130,"seat":1,"suit":"S","points":40}`},
		{"marriageAnnounced pending", sn, game.MarriageAnnounced{Seat: 1, Suit: game.Clubs, Points: 20, Pending: true},
			`{"type":"marriageAnnounced","table":9,"event":130,"seat":1,"suit":"C","points":20,"pending":true}`},
		{"trumpExchanged", sn, game.TrumpExchanged{Seat: 0, Took: card(game.Ace, game.Hearts), Gave: card(game.Jack, game.Hearts)},
			`{"type":"trumpExchanged","table":9,"event":130,"seat":0,"took":"AH","gave":"JH"}`},
		{"talonClosed", sn, game.TalonClosed{Seat: 1}, `{"type":"talonClosed","table":9,"event":130,"seat":1}`},
		{"dealResult schnapsen", sn, game.SchnapsenResult{Winner: 1, GamePoints: 2, Scores: []int{33, 75}, Reason: game.ReasonCloserWon,
			Totals: []int{0, 2}, BummerlLoser: -1, Bummerls: []int{0, 0}},
			`{"type":"dealResult","table":9,"event":130,"winner":1,"gamePoints":2,"scores":[33,75],"reason":"closerWon","totals":[0,2],"bummerls":[0,0]}`},
		{"dealResult schnapsen deciding a bummerl", sn, game.SchnapsenResult{Winner: 0, GamePoints: 3, Scores: []int{70, 0}, Reason: game.ReasonReached66,
			Totals: []int{0, 0}, BummerlLoser: 1, Bummerl: 2, Bummerls: []int{0, 2}},
			`{"type":"dealResult","table":9,"event":130,"winner":0,"gamePoints":3,"scores":[70,0],"reason":"reached66","totals":[0,0],"bummerlLoser":1,"bummerl":2,"bummerls":[0,2]}`},
		{"dealResult sauspiel", sk, game.SchafkopfResult{Game: game.Sauspiel, Declarer: 0, Partner: 2, DeclarersWin: true,
			Points: []int{40, 21, 30, 29}, Laufende: 3, Knocks: 1, Multiplier: 4, Value: 200, Payouts: []int{200, -200, 200, -200},
			Balances: []int{200, -200, 200, -200}},
			`{"type":"dealResult","table":9,"event":130,"game":"sauspiel","declarer":0,"partner":2,"declarersWin":true,"points":[40,21,30,29],` +
				`"schneider":false,"schwarz":false,"laufende":3,"multiplier":4,"value":200,"payouts":[200,-200,200,-200],"knocks":1,"balances":[200,-200,200,-200]}`},
		{"dealResult solo", sk, game.SchafkopfResult{Game: game.Solo, Declarer: 3, Partner: -1, Points: []int{40, 0, 0, 80},
			Schneider: true, Multiplier: 1, Value: 60, Payouts: []int{60, 60, 60, -180}},
			`{"type":"dealResult","table":9,"event":130,"game":"solo","declarer":3,"declarersWin":false,"points":[40,0,0,80],` +
				`"schneider":true,"schwarz":false,"laufende":0,"multiplier":1,"value":60,"payouts":[60,60,60,-180],"knocks":0}`},
		{"mustCut", sn, game.MustCut{Seat: 2, Deadline: 5000},
			`{"type":"mustCut","table":9,"event":130,"seat":2,"deadline":"1970-01-01T00:00:05.000Z"}`},
		{"cut", sn, game.CutChosen{Seat: 2}, `{"type":"cut","table":9,"event":130,"seat":2}`},
		{"mustCallTrump to its seat", sn, game.VisibleTo(game.MustCallTrump{Seat: 0, Deadline: 1000,
			Suits: []game.Suit{game.Clubs, game.Hearts}, Aufschlagen: true}, 0),
			`{"type":"mustCallTrump","table":9,"event":130,"seat":0,"deadline":"1970-01-01T00:00:01.000Z","suits":["C","H"],"aufschlagen":true}`},
		{"mustCallTrump to another seat", sn, game.VisibleTo(game.MustCallTrump{Seat: 0, Deadline: 1000,
			Suits: []game.Suit{game.Clubs, game.Hearts}, Aufschlagen: true}, 1),
			`{"type":"mustCallTrump","table":9,"event":130,"seat":0,"deadline":"1970-01-01T00:00:01.000Z","aufschlagen":true}`},
		{"mustCallTrump after a knock", sn, game.MustCallTrump{Seat: 0, Deadline: 1000, Suits: []game.Suit{game.Diamonds}},
			`{"type":"mustCallTrump","table":9,"event":130,"seat":0,"deadline":"1970-01-01T00:00:01.000Z","suits":["D"]}`},
		{"trumpCalled", sn, game.TrumpCalled{Seat: 0, Suit: game.Spades},
			`{"type":"trumpCalled","table":9,"event":130,"seat":0,"suit":"S"}`},
		{"trumpCalled by aufschlagen", sn, game.TrumpCalled{Seat: 0, Suit: game.Hearts, Aufschlagen: true, Card: card(game.Queen, game.Hearts)},
			`{"type":"trumpCalled","table":9,"event":130,"seat":0,"suit":"H","aufschlagen":true,"card":"QH"}`},
		{"dealResult bauernschnapsen normal game", sn, game.BauernschnapsenResult{Game: game.NormalGame, Declarer: -1,
			Trump: game.Diamonds, WinnerTeam: 0, Reason: game.ReasonReached66, Value: 3, Multiplier: 2, MatchPoints: 6,
			Scores: []int{68, 0}, Tricks: []int{2, 0}, Totals: []int{6, 4}, MatchWinner: -1, Bummerls: []int{0, 0, 0, 0}},
			`{"type":"dealResult","table":9,"event":130,"game":"normal","trump":"D","winnerTeam":0,"matchPoints":6,"value":3,` +
				`"multiplier":2,"reason":"reached66","scores":[68,0],"tricks":[2,0],"totals":[6,4],"bummerls":[0,0,0,0]}`},
		{"dealResult bauernschnapsen ending the match", sn, game.BauernschnapsenResult{Game: game.Gang, Declarer: 1, NoTrump: true,
			WinnerTeam: 1, Reason: game.ReasonContractMade, Value: 9, Multiplier: 1, MatchPoints: 9, Scores: []int{0, 91},
			Tricks: []int{0, 5}, Totals: []int{23, 27}, MatchWinner: 1, Bummerl: 1, Bummerls: []int{1, 0, 1, 0}},
			`{"type":"dealResult","table":9,"event":130,"game":"gang","declarer":1,"winnerTeam":1,"matchPoints":9,"value":9,` +
				`"multiplier":1,"reason":"contractMade","scores":[0,91],"tricks":[0,5],"totals":[23,27],"matchWinner":1,"bummerl":1,"bummerls":[1,0,1,0]}`},
		{"dealResult bauernschnapsen retourschneider", sn, game.BauernschnapsenResult{Game: game.Schnapser, Declarer: 0,
			Trump: game.Hearts, WinnerTeam: 0, Reason: game.ReasonContractMade, Value: 6, Multiplier: 4, MatchPoints: 24,
			Scores: []int{71, 23}, Tricks: []int{1, 1}, Totals: []int{24, 23}, MatchWinner: 0, Bummerl: 4, Retourschneider: true,
			Bummerls: []int{0, 4, 0, 4}},
			`{"type":"dealResult","table":9,"event":130,"game":"schnapser","declarer":0,"trump":"H","winnerTeam":0,"matchPoints":24,` +
				`"value":6,"multiplier":4,"reason":"contractMade","scores":[71,23],"tricks":[1,1],"totals":[24,23],"matchWinner":0,` +
				`"bummerl":4,"retourschneider":true,"bummerls":[0,4,0,4]}`},
		{"dealResult thrown in", sk, game.SchafkopfResult{ThrownIn: true, Partner: -1, Payouts: []int{0, 0, 0, 0}, Balances: []int{10, -10, 0, 0}},
			`{"type":"dealResult","table":9,"event":130,"thrownIn":true,"payouts":[0,0,0,0],"balances":[10,-10,0,0]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustBeJSON(t, tt.want)
			if got := string(mustEvent(t, tt.e, 9, 130, tt.ev)); got != tt.want {
				t.Fatalf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestEventWithoutTableLeavesItOut(t *testing.T) {
	got := string(mustEvent(t, sk, 0, 1, game.Knocked{Seat: 0}))
	if want := `{"type":"knocked","event":1,"seat":0}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

type strangeEvent struct{}

func (strangeEvent) Type() string { return "strange" }

func TestEventRefusesUnknownEvents(t *testing.T) {
	for _, ev := range []game.Event{strangeEvent{}, nil, &game.Knocked{}} {
		if b, err := sk.Event(1, 1, ev); err == nil {
			t.Errorf("Event(%#v) = %s, want an error", ev, b)
		}
	}
}

// TestEncodeSessionMessages is the golden list of the other server
// messages.
func TestEncodeSessionMessages(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"welcome", EncodeWelcome("p42", "n1"), `{"type":"welcome","player":"p42","node":"n1","protocol":1}`},
		{"reconnect", EncodeReconnect(ReasonLeaderChanged, 200), `{"type":"reconnect","reason":"leaderChanged","retryMs":200}`},
		{"error", EncodeError(17, "notYourTurn", "seat 2 is to play"),
			`{"type":"error","seq":17,"code":"notYourTurn","message":"seat 2 is to play"}`},
		{"error without seq", EncodeError(0, CodeBadMessage, "malformed JSON"),
			`{"type":"error","code":"badMessage","message":"malformed JSON"}`},
		{"ack", EncodeAck(17, 9, 130), `{"type":"ack","seq":17,"table":9,"event":130}`},
		{"ack without events", EncodeAck(4, 9, 0), `{"type":"ack","seq":4,"table":9}`},
		{"pong", EncodePong(), `{"type":"pong"}`},
		{"tables", EncodeTables(1, []TableInfo{{Table: 9, Game: game.KindSchafkopf, Seats: []string{"p42", "", "bot", ""}}}),
			`{"type":"tables","seq":1,"tables":[{"table":9,"game":"schafkopf","seats":["p42",null,"bot",null]}]}`},
		{"no tables", EncodeTables(2, nil), `{"type":"tables","seq":2,"tables":[]}`},
		{"playerJoined", EncodePlayerJoined(9, 3, 1, "p42"), `{"type":"playerJoined","table":9,"event":3,"seat":1,"player":"p42"}`},
		{"playerLeft", EncodePlayerLeft(9, 4, 1, "p42"), `{"type":"playerLeft","table":9,"event":4,"seat":1,"player":"p42"}`},
		{"tableClosed", EncodeTableClosed(9, 5), `{"type":"tableClosed","table":9,"event":5}`},
		{"a game command", EncodeCommand(GameCommand{Name: "playACard", Seq: 17, Table: 9, Card: "QH", Marriage: true}),
			`{"type":"playACard","seq":17,"table":9,"card":"QH","marriage":true}`},
		{"a game command without address", EncodeCommand(GameCommand{Name: "callTrump", Aufschlagen: true}),
			`{"type":"callTrump","aufschlagen":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustBeJSON(t, tt.want)
			if string(tt.got) != tt.want {
				t.Fatalf("\n got %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}

func TestEncodeTableState(t *testing.T) {
	playing := game.View{
		Game: game.KindSchnapsen, Options: game.Options{TurnTimeoutMs: 20000}, Seat: 1, Seats: 2,
		DealNo: 3, Dealer: 0, Playing: true, Stage: "play", Turn: 0, Deadline: 1_700_000_030_250,
		Hand:  []game.Card{card(game.Ace, game.Diamonds), card(game.Ten, game.Hearts)},
		Trick: []game.Played{{Seat: 0, Card: card(game.King, game.Spades)}}, Leader: 0, TrickNo: 2,
		Tricks: []int{1, 1}, Balances: []int{0, 2}, Bummerl: []int{0, 0},
		Legal:     []game.Command{game.PlayCard{Card: card(game.Ace, game.Diamonds)}, game.CloseTalon{}, game.StartDeal{}},
		Schnapsen: &game.SchnapsenView{TrumpSuit: game.Diamonds, TrumpCard: card(game.Jack, game.Diamonds), Talon: 7, ClosedBy: -1, Score: 31},
	}
	idle := game.View{Game: game.KindSchafkopf, Options: game.Options{ShortDeck: true}, Seat: -1, Seats: 4,
		Dealer: 2, Stage: "idle", Turn: -1, Leader: -1, Balances: []int{0, 0, 0, 0}, Bummerl: []int{0, 0, 0, 0}}
	tests := []struct {
		name string
		e    *Encoder
		s    TableState
		want string
	}{
		{"a seat during play", sn, TableState{Seq: 5, Table: 9, Event: 130, Players: []string{"p42", "bot"}, View: playing},
			`{"type":"tableState","seq":5,"table":9,"event":130,"game":"schnapsen","options":{"turnTimeoutMs":20000},"seat":1,` +
				`"seats":["p42","bot"],"deal":3,"dealer":0,"playing":true,"stage":"play","turn":0,"deadline":"2023-11-14T22:13:50.250Z",` +
				`"hand":["AD","XH"],"trick":[{"seat":0,"card":"KS"}],"leader":0,"trickNo":2,"tricks":[1,1],"balances":[0,2],` +
				`"bummerl":[0,0],"legal":[{"type":"playACard","card":"AD"},{"type":"closeTalon"}],` +
				`"trumpSuit":"D","trumpCard":"JD","talon":7,"strict":false,"score":31,"pending":0,"marriages":[]}`},
		{"an observer at an idle table", sk, TableState{Table: 4, Event: 0, Players: []string{"a", ""}, View: idle},
			`{"type":"tableState","table":4,"event":0,"game":"schafkopf","options":{"shortDeck":true},"seats":["a",null,null,null],` +
				`"deal":0,"dealer":2,"playing":false,"stage":"idle","trickNo":0,"balances":[0,0,0,0],"bummerl":[0,0,0,0]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustBeJSON(t, tt.want)
			if got := string(tt.e.TableState(&tt.s)); got != tt.want {
				t.Fatalf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestEncoderFormatsLikeTheNotation(t *testing.T) {
	for _, n := range []game.Notation{game.SchafkopfNotation, game.SchnapsenNotation} {
		e := NewEncoder(n)
		for s := game.Suit(0); s <= game.NumSuits; s++ {
			if e.FormatSuit(s) != n.FormatSuit(s) {
				t.Errorf("FormatSuit(%d) = %q, want %q", s, e.FormatSuit(s), n.FormatSuit(s))
			}
			for r := game.Rank(0); r <= game.Seven+1; r++ {
				c := game.Card{Rank: r, Suit: s}
				if e.Format(c) != n.Format(c) {
					t.Errorf("Format(%v) = %q, want %q", c, e.Format(c), n.Format(c))
				}
			}
		}
	}
}

func TestDeadlineFormat(t *testing.T) {
	tests := []struct {
		ms   int64
		want string
	}{
		{0, "1970-01-01T00:00:00.000Z"},
		{1, "1970-01-01T00:00:00.001Z"},
		{1_700_000_030_250, "2023-11-14T22:13:50.250Z"},
	}
	for _, tt := range tests {
		if got := FormatDeadline(tt.ms); got != tt.want {
			t.Errorf("FormatDeadline(%d) = %s, want %s", tt.ms, got, tt.want)
		}
	}
}

func BenchmarkDecodePlayACard(b *testing.B) {
	in := []byte(`{"type":"playACard","seq":17,"table":9,"card":"QH","marriage":true}`)
	b.ReportAllocs()
	for b.Loop() {
		m, err := Decode(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.(GameCommand).Resolve(game.SchnapsenNotation); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeCardPlayed(b *testing.B) {
	ev := game.CardPlayed{Seat: 1, Card: card(game.Ten, game.Hearts)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sk.Event(9, 130, ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeMustPlayCard(b *testing.B) {
	ev := game.MustPlayCard{Seat: 1, Deadline: 1_700_000_030_250, Legal: []game.Card{
		card(game.Ace, game.Diamonds), card(game.Ten, game.Hearts), card(game.Queen, game.Clubs)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sk.Event(9, 130, ev); err != nil {
			b.Fatal(err)
		}
	}
}
