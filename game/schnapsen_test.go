package game

import (
	"reflect"
	"strings"
	"testing"
)

// §1: 20 cards, A X K Q J in four suits, worth 11 10 4 3 2, 120 in all;
// within a suit A > X > K > Q > J.
func TestSchnapsenCardsAndPoints(t *testing.T) {
	deck := SchnapsenDeck()
	total := 0
	for _, c := range deck {
		total += c.Points()
	}
	if len(deck) != 20 || total != 120 {
		t.Fatalf("%d cards worth %d, want 20 worth 120", len(deck), total)
	}
	order := schnapsenCards(t, "AS XS KS QS JS")
	for i, want := range []int{11, 10, 4, 3, 2} {
		if order[i].Points() != want {
			t.Errorf("%v is worth %d, want %d", order[i], order[i].Points(), want)
		}
		for j := range order {
			if got := schnapsenBeats(order[j], order[i], Hearts); got != (j < i) {
				t.Errorf("%v played on %v wins: %v, want %v", order[j], order[i], got, j < i)
			}
		}
	}
}

// §3, DECIDED 2: d[0..2] to N, d[3..5] to D, d[6] face up, d[7..8] to N,
// d[9..10] to D, d[11] the top of the stock; forehand N is the seat after
// the dealer.
func TestSchnapsenDealMapsDeckIndices(t *testing.T) {
	for _, dealer := range []int{0, 1} {
		deck := SchnapsenDeck() // canonical: AC XC KC QC JC AS XS KS ...
		g := newSchnapsenIdle(t, dealer)
		evs := g.start(deck)
		n, d := 1-dealer, dealer

		started, _ := schnapsenLastEvent[GameStarted](evs)
		if started.Dealer != dealer || started.TrumpCard != deck[6] {
			t.Fatalf("dealer %d: gameStarted %+v, want dealer %d trump %v", dealer, started, dealer, deck[6])
		}
		want := []CardsDealt{
			{Seat: n, Cards: deck[0:3], Count: 3},
			{Seat: d, Cards: deck[3:6], Count: 3},
			{Seat: n, Cards: deck[7:9], Count: 2},
			{Seat: d, Cards: deck[9:11], Count: 2},
		}
		if got := schnapsenEventsOf[CardsDealt](evs); !reflect.DeepEqual(got, want) {
			t.Fatalf("dealer %d: dealt %v, want %v", dealer, got, want)
		}
		if !schnapsenSameCards(g.hand("N"), append(append([]Card(nil), deck[0:3]...), deck[7:9]...)) {
			t.Fatalf("N holds %v", g.hand("N"))
		}
		if g.tbl.d.Deal.Next != 11 || g.view("N").Schnapsen.Talon != 10 {
			t.Fatalf("stock starts at %d, talon %d; want 11 and 10", g.tbl.d.Deal.Next, g.view("N").Schnapsen.Talon)
		}
		if p, _ := schnapsenLastEvent[MustPlayCard](evs); p.Seat != n {
			t.Fatalf("dealer %d: seat %d prompted, want forehand %d", dealer, p.Seat, n)
		}
		// The first trick's winner draws d[11], the loser d[12].
		drawn := g.run("N:" + SchnapsenNotation.Format(deck[0]) + " D:" + SchnapsenNotation.Format(deck[3]))
		got := schnapsenEventsOf[CardsDrawn](drawn)
		if len(got) != 2 || got[0].Cards[0] != deck[11] || got[1].Cards[0] != deck[12] {
			t.Fatalf("dealer %d: first draws %v, want %v then %v", dealer, got, deck[11], deck[12])
		}
	}
}

// §2: N leads the first trick; D may not.
func TestSchnapsenForehandLeadsFirst(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	if v := g.view("N"); v.Turn != 0 || v.Leader != 0 || v.Stage != "play" {
		t.Fatalf("turn %d leader %d stage %q, want N (0) in play", v.Turn, v.Leader, v.Stage)
	}
	g.refused("D:KS", "notYourTurn")
	g.do("N:JS")
	g.refused("N:QS", "notYourTurn")
}

// §4.3: same suit, the higher rank wins; different suits, a trump by the
// follower wins, anything else loses to the lead. The winner leads next.
func TestSchnapsenTrickWinner(t *testing.T) {
	tests := []struct {
		name         string
		lead, follow string
		wantFollower bool
	}{
		{"higher card of the led suit wins", "KS", "AS", true},
		{"lower card of the led suit loses", "XS", "JS", false},
		{"ten beats king", "KC", "XC", true},
		{"off-suit non-trump loses", "JC", "AD", false},
		{"trump on a plain card wins", "AC", "JH", true},
		{"plain card on a trump loses", "JH", "AC", false},
		{"higher trump wins", "QH", "KH", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lead, follow := schnapsenCard(t, tt.lead), schnapsenCard(t, tt.follow)
			// Hearts are trump; N leads, D follows in the open phase.
			g := newSchnapsenGame(t, 1, schnapsenDeckOf(t, tt.lead, tt.follow, "XH", ""))
			evs := g.run("N:" + tt.lead + " D:" + tt.follow)
			want := g.seat("N")
			if tt.wantFollower {
				want = g.seat("D")
			}
			taken, _ := schnapsenLastEvent[TrickTaken](evs)
			if taken.Seat != want || taken.Points != lead.Points()+follow.Points() {
				t.Fatalf("trickTaken %+v, want seat %d with %d", taken, want, lead.Points()+follow.Points())
			}
			if g.tbl.d.Deal.Leader != want || g.tbl.d.Deal.Turn != want {
				t.Fatalf("leader %d turn %d, want the winner %d", g.tbl.d.Deal.Leader, g.tbl.d.Deal.Turn, want)
			}
			v := g.view("N")
			trick := []Played{{Seat: 0, Card: lead}, {Seat: 1, Card: follow}}
			if got := schnapsenTrickWinner(&v, trick); (got == 1) != tt.wantFollower {
				t.Fatalf("schnapsenTrickWinner = %d, want follower %v", got, tt.wantFollower)
			}
		})
	}
}

// The bot helpers read the trump suit from the view alone.
func TestSchnapsenBotHelpersUseTheViewsTrump(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t)) // hearts
	v := g.tbl.View(-1)
	if !schnapsenIsTrump(&v, schnapsenCard(t, "JH")) || schnapsenIsTrump(&v, schnapsenCard(t, "AS")) {
		t.Fatal("schnapsenIsTrump disagrees with the trump suit hearts")
	}
	if got := schnapsenTrickWinner(&v, nil); got != -1 {
		t.Fatalf("empty trick: %d, want -1", got)
	}
	if got := schnapsenTrickWinner(&v, []Played{{0, schnapsenCard(t, "JS")}}); got != 0 {
		t.Fatalf("one card: %d, want 0", got)
	}
	var idle View
	if schnapsenIsTrump(&idle, schnapsenCard(t, "JH")) || schnapsenTrickWinner(&idle, []Played{{0, NoCard}}) != -1 {
		t.Fatal("a view without a Schnapsen deal has no trump and no winner")
	}
}

// §4.4: after each trick of the open phase the winner draws the top stock
// card, then the loser; the last stock card goes to the winner and the
// trump card, publicly, to the loser, exhausting the talon after the
// fifth trick. Hands stay at 5 cards while the talon is open.
func TestSchnapsenDrawingOrderAndExhaustion(t *testing.T) {
	deck := schnapsenLowDeck(t)
	g := newSchnapsenGame(t, 1, deck)
	for i, trick := range schnapsenLowOpen {
		evs := g.run(trick)
		drawn := schnapsenEventsOf[CardsDrawn](evs)
		winner := 1 // D wins every trick of this deal
		wantLoser := CardsDrawn{Seat: 0, Cards: []Card{deck[6]}, Count: 1, Public: true}
		if i < 4 {
			wantLoser = CardsDrawn{Seat: 0, Cards: []Card{deck[12+2*i]}, Count: 1}
		}
		want := []CardsDrawn{{Seat: winner, Cards: []Card{deck[11+2*i]}, Count: 1}, wantLoser}
		if !reflect.DeepEqual(drawn, want) {
			t.Fatalf("trick %d: drawn %+v, want %+v", i+1, drawn, want)
		}
		if len(g.hand("N")) != 5 || len(g.hand("D")) != 5 {
			t.Fatalf("trick %d: hands of %d and %d cards", i+1, len(g.hand("N")), len(g.hand("D")))
		}
		sv := g.view("N").Schnapsen
		if wantTalon := 8 - 2*i; sv.Talon != wantTalon {
			t.Fatalf("trick %d: talon %d, want %d", i+1, sv.Talon, wantTalon)
		}
	}
	sv := g.view("N").Schnapsen
	if sv.TrumpCard != NoCard || sv.Talon != 0 || !sv.Strict || sv.TrumpSuit != Hearts {
		t.Fatalf("exhausted view %+v: want no trump card, talon 0, strict, trump still hearts", sv)
	}
	if !schnapsenSameCards(g.hand("N"), schnapsenCards(t, "KC XS XH AD AH")) {
		t.Fatalf("N holds %v", g.hand("N"))
	}
	// No draws once exhausted.
	evs := g.run("D:AC N:KC")
	if d := schnapsenEventsOf[CardsDrawn](evs); len(d) != 0 || len(g.hand("N")) != 4 {
		t.Fatalf("drew %v after exhaustion", d)
	}
}

// §4.4: a draw is private to the drawer; only the face-up trump card
// taken last is public.
func TestSchnapsenDrawsArePrivateButTheTrumpCard(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	var drawn []CardsDrawn
	for _, trick := range schnapsenLowOpen {
		drawn = append(drawn, schnapsenEventsOf[CardsDrawn](g.run(trick))...)
	}
	for _, e := range drawn {
		other := VisibleTo(e, 1-e.Seat).(CardsDrawn)
		if e.Public {
			if !reflect.DeepEqual(other, e) {
				t.Fatalf("public draw %+v redacted to %+v", e, other)
			}
			continue
		}
		if other.Cards != nil || other.Count != 1 || !reflect.DeepEqual(VisibleTo(e, e.Seat), e) {
			t.Fatalf("private draw %+v seen by the other seat as %+v", e, other)
		}
	}
}

// §5: in the open phase the follower may play any card; in the strict
// phase (closed or exhausted) the follower must head the trick in the led
// suit if able, else follow suit, else trump, else play anything. The
// leader is never restricted.
func TestSchnapsenFollowRules(t *testing.T) {
	tests := []struct {
		name   string
		strict bool // N closes before leading
		n, d   string
		lead   string
		legal  string
		refuse map[string]string
	}{
		{name: "open phase: any card", n: "KS JC QC KC AC", d: "AS JS AH XD XH", lead: "KS", legal: "AS JS AH XD XH"},
		{name: "must head the trick with a higher card of the led suit", strict: true,
			n: "KS JC QC KC AC", d: "AS JS AH XD XH", lead: "KS", legal: "AS",
			refuse: map[string]string{"JS": "mustHeadTrick", "AH": "mustHeadTrick", "XD": "mustHeadTrick"}},
		{name: "must follow suit without a higher card", strict: true,
			n: "AS JC QC KC AC", d: "JS QS AH XD XH", lead: "AS", legal: "JS QS",
			refuse: map[string]string{"AH": "mustFollowSuit", "XD": "mustFollowSuit"}},
		{name: "must trump when void in the led suit", strict: true,
			n: "AS JC QC KC AC", d: "AH XH XD KD QH", lead: "AS", legal: "XD KD",
			refuse: map[string]string{"AH": "mustTrump", "QH": "mustTrump"}},
		{name: "any card when void in the led suit and in trumps", strict: true,
			n: "AS XS KS QS JC", d: "AH XH KH QH AC", lead: "AS", legal: "AH XH KH QH AC"},
		{name: "trump led: must play a higher trump if able", strict: true,
			n: "KD JC QC KC AC", d: "AD QD AS XS KS", lead: "KD", legal: "AD",
			refuse: map[string]string{"QD": "mustHeadTrick", "AS": "mustHeadTrick"}},
		{name: "trump led: any trump without a higher one", strict: true,
			n: "AD JC QC KC AC", d: "QD KD AS XS KS", lead: "AD", legal: "QD KD",
			refuse: map[string]string{"AS": "mustFollowSuit"}},
		{name: "trump led: any card without trumps", strict: true,
			n: "AD JC QC KC AC", d: "AS XS KS QS AH", lead: "AD", legal: "AS XS KS QS AH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newSchnapsenGame(t, 1, schnapsenDeckOf(t, tt.n, tt.d, "JD", "")) // diamonds are trump
			if tt.strict {
				g.do("N:close")
			}
			evs := g.do("N:" + tt.lead)
			prompt, _ := schnapsenLastEvent[MustPlayCard](evs)
			if want := schnapsenCards(t, tt.legal); prompt.Seat != 1 || !schnapsenSameCards(prompt.Legal, want) {
				t.Fatalf("prompt %+v, want seat 1 with legal %v", prompt, want)
			}
			var legal []Card
			for _, c := range g.tbl.Legal(1) {
				legal = append(legal, c.(PlayCard).Card)
			}
			if !schnapsenSameCards(legal, prompt.Legal) {
				t.Fatalf("Legal %v, prompt %v", legal, prompt.Legal)
			}
			for card, code := range tt.refuse {
				g.refused("D:"+card, code)
			}
			for _, c := range prompt.Legal {
				if _, err := g.tbl.Clone().Handle(Action{Seat: 1, Cmd: PlayCard{Card: c}}); err != nil {
					t.Fatalf("legal card %v refused: %v", c, err)
				}
			}
		})
	}
}

// §5: the strict phase also starts when the talon is exhausted.
func TestSchnapsenStrictAfterExhaustion(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	g.run(strings.Join(schnapsenLowOpen[:4], " "))
	g.do("D:JH")
	g.do("N:XC") // the fifth trick's follow is still free: N holds no heart anyway
	g.do("D:AC")
	g.refused("N:AH", "mustFollowSuit") // N holds KC
	g.do("N:KC")
}

// A Timeout never moves the play stage, current or stale: no events, no
// change. Deadlines are the turn timer from the move's clock.
func TestSchnapsenPlayIgnoresTimeouts(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	p := g.tbl.Prompt()
	if p.Deadline != g.now+schnapsenTestTimeout || p.Turn != 0 {
		t.Fatalf("prompt %+v, want N's turn until %d", p, g.now+schnapsenTestTimeout)
	}
	for _, serial := range []int64{p.Serial, p.Serial - 1, p.Serial + 1} {
		before := g.encode()
		evs, err := g.tbl.Handle(Action{Seat: SystemSeat, Cmd: Timeout{Serial: serial}, Now: p.Deadline + 1})
		if err != nil || len(evs) != 0 || string(before) != string(g.encode()) {
			t.Fatalf("timeout %d: events %v, error %v, changed %v", serial, evs, err, string(before) != string(g.encode()))
		}
	}
	evs := g.do("N:JS")
	prompt, _ := schnapsenLastEvent[MustPlayCard](evs)
	if np := g.tbl.Prompt(); np.Serial != p.Serial+1 || prompt.Deadline != g.now+schnapsenTestTimeout || np.Deadline != prompt.Deadline {
		t.Fatalf("after a move: prompt %+v, event deadline %d; want a new serial and deadline %d", np, prompt.Deadline, g.now+schnapsenTestTimeout)
	}
	// A timeout armed for N's lead is stale now.
	before := g.encode()
	if evs, err := g.tbl.Handle(Action{Seat: SystemSeat, Cmd: Timeout{Serial: p.Serial}}); err != nil || len(evs) != 0 || string(before) != string(g.encode()) {
		t.Fatalf("stale timeout: %v %v", evs, err)
	}
}

// The prompt names the seat to act for all; its legal cards and options
// reach that seat only.
func TestSchnapsenPromptOptionsArePrivate(t *testing.T) {
	tbl, err := NewTable(Config{Game: KindSchnapsen, FirstDealer: 1, Options: Options{TurnTimeoutMs: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	all, err := tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Deck: schnapsenDeckOf(t, "JH KS QS AC XC", "AS XS JS AD XD", "AH", "")}, Now: 1000})
	if err != nil {
		t.Fatal(err)
	}
	prompt, ok := schnapsenLastEvent[MustPlayCard](all)
	want := MustPlayCard{Seat: 0, Deadline: 6000, Legal: schnapsenCards(t, "JH KS QS AC XC"),
		Marriages: []Suit{Spades}, CanExchange: true, CanClose: true}
	if !ok || !reflect.DeepEqual(prompt, want) {
		t.Fatalf("prompt %+v, want %+v", prompt, want)
	}
	if other := VisibleTo(prompt, 1); !reflect.DeepEqual(other, MustPlayCard{Seat: 0, Deadline: 6000}) {
		t.Fatalf("seat 1 sees %+v", other)
	}
}
