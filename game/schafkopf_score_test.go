package game

import (
	"reflect"
	"testing"
)

func TestSchafkopfSettlesWholeDeals(t *testing.T) {
	t.Run("Sauspiel won Schneider, 7 Laufende, 2 knocks and Kontra", func(t *testing.T) {
		s := skToNegotiation(t, Options{}, skHandsSauspiel, 0, 2)
		s.announce(skSauspiel(t, "AE"), nil, nil, nil)
		s.play("OE 7H")
		s.do(2, Kontra{})
		r := skResult(t, s.play(skPlaySauspiel[len("OE 7H "):]))
		want := SchafkopfResult{
			Game: Sauspiel, Declarer: 0, Partner: 1, DeclarersWin: true,
			Points: []int{94, 11, 0, 15}, Schneider: true, Laufende: 7, Knocks: 2,
			Multiplier: 8, Value: 800, // (20 + 10 + 7*10) * 2^3
			Payouts: []int{800, 800, -800, -800}, Balances: []int{800, 800, -800, -800},
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("result %+v\nwant   %+v", r, want)
		}
	})
	t.Run("Wenz Schwarz with 4 Laufende and a knock", func(t *testing.T) {
		s := skToNegotiation(t, Options{}, skHandsWenz, 1)
		s.announce(Announce{Game: Wenz}, nil, nil, nil)
		ev := s.playOut()
		if n := len(skOf[TrickTaken](ev)); n != 8 {
			t.Fatalf("%d tricks", n)
		}
		r := skResult(t, ev)
		want := SchafkopfResult{
			Game: Wenz, Declarer: 0, Partner: -1, DeclarersWin: true,
			Points: []int{120, 0, 0, 0}, Schneider: true, Schwarz: true, Laufende: 4, Knocks: 1,
			Multiplier: 2, Value: 220, // (50 + 20 + 4*10) * 2
			Payouts: []int{660, -220, -220, -220}, Balances: []int{660, -220, -220, -220},
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("result %+v\nwant   %+v", r, want)
		}
	})
	t.Run("Solo lost 60:60 by the soloist, Kontra and Re", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsSolo, nil, nil, Announce{Game: Solo, Suit: Spades}, nil)
		s.do(0, Kontra{})
		s.play("AE XE OE KE")
		s.do(2, Re{})
		r := skResult(t, s.play(skPlaySolo[len("AE XE OE KE | "):]))
		want := SchafkopfResult{
			Game: Solo, Declarer: 2, Partner: -1, DeclarersWin: false,
			Points: []int{0, 0, 60, 60}, Laufende: 0, // OE OG, then OH with a defender
			Multiplier: 4, Value: 200,
			Payouts: []int{200, 200, -600, 200}, Balances: []int{200, 200, -600, 200},
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("result %+v\nwant   %+v", r, want)
		}
	})
	t.Run("Sauspiel: the partner keeps the ace to the end", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsNoDiscard, skSauspiel(t, "AG"), nil, nil, nil)
		r := skResult(t, s.play(skPlayNoDiscard))
		want := SchafkopfResult{
			Game: Sauspiel, Declarer: 0, Partner: 3, DeclarersWin: true,
			Points: []int{97, 23, 0, 0}, Schneider: true, Laufende: 4,
			Multiplier: 1, Value: 70, // 20 + 10 + 4*10
			Payouts: []int{70, -70, -70, 70}, Balances: []int{70, -70, -70, 70},
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("result %+v\nwant   %+v", r, want)
		}
	})
}

func TestSchafkopfRunningBalance(t *testing.T) {
	s := skNew(t, Options{}, 3)
	s.start(skHandsSauspiel)
	s.knock()
	s.announce(skSauspiel(t, "AE"), nil, nil, nil)
	r1 := skResult(t, s.play(skPlaySauspiel))
	if s.tbl.Dealer() != 0 || s.tbl.Playing() || s.tbl.Prompt().Deadline != 0 {
		t.Fatalf("after the deal: dealer %d playing %v", s.tbl.Dealer(), s.tbl.Playing())
	}
	// Next deal, dealer 0: forehand is seat 1. The Wenz hands go to seats
	// so that seat 1 holds the Unters and leads.
	s.start([4]string{skHandsWenz[3], skHandsWenz[0], skHandsWenz[1], skHandsWenz[2]})
	s.knock()
	s.announce(Announce{Game: Wenz}, nil, nil, nil)
	r2 := skResult(t, s.playOut())
	var zero int
	for seat := range 4 {
		if r2.Balances[seat] != r1.Payouts[seat]+r2.Payouts[seat] {
			t.Fatalf("balance %d = %d, want %d + %d", seat, r2.Balances[seat], r1.Payouts[seat], r2.Payouts[seat])
		}
		zero += r2.Balances[seat]
	}
	if zero != 0 || !reflect.DeepEqual(s.tbl.Balances(), r2.Balances) {
		t.Fatalf("balances %v (sum %d)", s.tbl.Balances(), zero)
	}
	if r2.Declarer != 1 || r2.Payouts[1] != 3*(50+20+40) {
		t.Fatalf("second deal %+v", r2)
	}
}

func TestSchafkopfShortDeckWholeDeal(t *testing.T) {
	s := skNew(t, Options{ShortDeck: true}, 3)
	ev := s.start(skHandsShort)
	for _, d := range skOf[CardsDealt](ev) {
		if len(d.Cards) != 3 {
			t.Fatalf("packet of %d cards", len(d.Cards))
		}
	}
	s.knock(3)
	s.announce(nil, skSauspiel(t, "AG"), nil, nil)
	ev = s.playOut()
	if n := len(skOf[TrickTaken](ev)); n != 6 {
		t.Fatalf("%d tricks, want 6", n)
	}
	r := skResult(t, ev)
	sum, points := 0, 0
	for seat := range 4 {
		sum += r.Payouts[seat]
		points += r.Points[seat]
	}
	if sum != 0 || points != 120 || r.Partner != 0 || r.Knocks != 1 || r.Multiplier != 2 {
		t.Fatalf("result %+v", r)
	}
	// OE OG OH with seat 0, OS UE UG with seat 1, UH with seat 3.
	if r.Laufende != 6 {
		t.Fatalf("laufende %d, want 6", r.Laufende)
	}
}

// Hands for the settlement table; dealer 3, so seat i gets hand i.
var (
	// skHandsSplit: OE/OH/UE/UH with seat 0, OG/OS/UG/US with seat 1.
	skHandsSplit = [4]string{
		"OE OH UE UH AE XE KE 9E",
		"OG OS UG US AG XG KG 9G",
		"AH XH KH 9H 8H 7H 8E 7E",
		"AS XS KS 9S 8S 7S 8G 7G",
	}
	// skHandsThree: OE OG with seat 0, OH with seat 1, OS with seat 2.
	skHandsThree = [4]string{
		"OE OG UE 9E 8E 7E 9G 8G",
		"OH AE XE KE 7G 9S 8S 7S",
		"OS UG UH US AH XH KH 9H",
		"8H 7H AG XG KG AS XS KS",
	}
	// skHandsTop: all Obers and Unters with seat 0, AH XH KH and AE XE KE
	// 9E 8E with seat 1.
	skHandsTop = [4]string{
		"OE OG OH OS UE UG UH US",
		"AH XH KH AE XE KE 9E 8E",
		"9H 8H 7H 7E AG XG KG 9G",
		"8G 7G AS XS KS 9S 8S 7S",
	}
	// skHandsShortTop (short deck): six top trumps with seat 0, UH US and
	// the Eichel with seat 1.
	skHandsShortTop = [4]string{
		"OE OG OH OS UE UG",
		"UH US AE XE KE 9E",
		"AG XG KG 9G AS XS",
		"AH XH KH 9H KS 9S",
	}
	// skHandsShortTwo (short deck): OE OG with seat 0, OH with seat 1.
	skHandsShortTwo = [4]string{
		"OE OG AE XE KE 9E",
		"OH OS UE UG AG XG",
		"UH US AH XH KH 9H",
		"KG 9G AS XS KS 9S",
	}
)

func TestSchafkopfSettlement(t *testing.T) {
	tests := []struct {
		name     string
		short    bool
		hands    [4]string
		game     Contract
		suit     Suit
		declarer int
		partner  int
		points   []int
		tricks   []int
		knocks   int
		kontra   int
		re       int

		win        bool
		schneider  bool
		schwarz    bool
		laufende   int
		multiplier int
		value      int
		payouts    []int
	}{
		{name: "61 points win", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{31, 30, 30, 29}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			win: true, multiplier: 1, value: 20, payouts: []int{20, -20, 20, -20}},
		{name: "60:60 the declarers lose", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{30, 30, 30, 30}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			multiplier: 1, value: 20, payouts: []int{-20, 20, -20, 20}},
		{name: "Schneider: the losers have 30", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{50, 15, 40, 15}, tricks: []int{3, 1, 3, 1}, kontra: -1, re: -1,
			win: true, schneider: true, multiplier: 1, value: 30, payouts: []int{30, -30, 30, -30}},
		{name: "31 is schneiderfrei", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{49, 16, 40, 15}, tricks: []int{3, 1, 3, 1}, kontra: -1, re: -1,
			win: true, multiplier: 1, value: 20, payouts: []int{20, -20, 20, -20}},
		{name: "Schneider against the declarers", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{10, 50, 20, 40}, tricks: []int{1, 3, 1, 3}, kontra: -1, re: -1,
			schneider: true, multiplier: 1, value: 30, payouts: []int{-30, 30, -30, 30}},
		{name: "Schwarz replaces Schneider", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{60, 0, 60, 0}, tricks: []int{4, 0, 4, 0}, kontra: -1, re: -1,
			win: true, schneider: true, schwarz: true, multiplier: 1, value: 40, payouts: []int{40, -40, 40, -40}},
		{name: "a trick without points is not Schwarz", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{60, 0, 60, 0}, tricks: []int{3, 1, 4, 0}, kontra: -1, re: -1,
			win: true, schneider: true, multiplier: 1, value: 30, payouts: []int{30, -30, 30, -30}},
		{name: "Schwarz against the declarers", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{0, 60, 0, 60}, tricks: []int{0, 4, 0, 4}, kontra: -1, re: -1,
			schneider: true, schwarz: true, multiplier: 1, value: 40, payouts: []int{-40, 40, -40, 40}},
		{name: "knocks, Kontra and Re each double", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{40, 20, 30, 30}, tricks: []int{2, 2, 2, 2}, knocks: 2, kontra: 1, re: 2,
			win: true, multiplier: 16, value: 320, payouts: []int{320, -320, 320, -320}},
		{name: "four knocks multiply by 16", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{40, 20, 30, 30}, tricks: []int{2, 2, 2, 2}, knocks: 4, kontra: -1, re: -1,
			win: true, multiplier: 16, value: 320, payouts: []int{320, -320, 320, -320}},
		{name: "Solo won: the soloist gets 3V", hands: skHandsSplit, game: Solo, suit: Hearts, declarer: 0, partner: -1,
			points: []int{70, 20, 20, 10}, tricks: []int{5, 1, 1, 1}, kontra: -1, re: -1,
			win: true, multiplier: 1, value: 50, payouts: []int{150, -50, -50, -50}},
		{name: "Solo lost: the soloist pays 3V", hands: skHandsSplit, game: Solo, suit: Clubs, declarer: 0, partner: -1,
			points: []int{60, 20, 20, 20}, tricks: []int{5, 1, 1, 1}, kontra: -1, re: -1,
			multiplier: 1, value: 50, payouts: []int{-150, 50, 50, 50}},
		{name: "Wenz won Schneider", hands: skHandsSplit, game: Wenz, declarer: 0, partner: -1,
			points: []int{95, 10, 10, 5}, tricks: []int{5, 1, 1, 1}, kontra: 2, re: -1,
			win: true, schneider: true, multiplier: 2, value: 120, payouts: []int{360, -120, -120, -120}},
		{name: "Laufende: 8 with the declaring party", hands: skHandsSplit, game: Sauspiel, declarer: 0, partner: 1,
			points: []int{40, 30, 25, 25}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			win: true, laufende: 8, multiplier: 1, value: 100, payouts: []int{100, 100, -100, -100}},
		{name: "Laufende: 3 count in a Sauspiel", hands: skHandsThree, game: Sauspiel, declarer: 0, partner: 1,
			points: []int{40, 30, 25, 25}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			win: true, laufende: 3, multiplier: 1, value: 50, payouts: []int{50, 50, -50, -50}},
		{name: "Laufende: 2 do not count in a Sauspiel", hands: skHandsThree, game: Sauspiel, declarer: 0, partner: 3,
			points: []int{40, 25, 25, 30}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			win: true, multiplier: 1, value: 20, payouts: []int{20, -20, -20, 20}},
		{name: "Laufende held by the defenders count", hands: skHandsThree, game: Solo, suit: Hearts, declarer: 2, partner: -1,
			points: []int{30, 30, 40, 20}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			laufende: 3, multiplier: 1, value: 80, payouts: []int{80, 80, -240, 80}},
		{name: "Laufende: the trump suit continues the Unters", hands: skHandsTop, game: Sauspiel, declarer: 0, partner: 1,
			points: []int{50, 30, 20, 20}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			win: true, laufende: 11, multiplier: 1, value: 130, payouts: []int{130, 130, -130, -130}},
		{name: "Laufende: the Solo suit is the trump suit", hands: skHandsTop, game: Solo, suit: Clubs, declarer: 2, partner: -1,
			points: []int{60, 40, 20, 0}, tricks: []int{3, 2, 3, 0}, kontra: -1, re: -1,
			schneider: true, laufende: 13, multiplier: 1, value: 190, payouts: []int{190, 190, -570, 190}},
		{name: "Wenz: 2 Laufende count", hands: skHandsSauspiel, game: Wenz, declarer: 0, partner: -1,
			points: []int{100, 5, 10, 5}, tricks: []int{5, 1, 1, 1}, kontra: -1, re: -1,
			win: true, schneider: true, laufende: 2, multiplier: 1, value: 80, payouts: []int{240, -80, -80, -80}},
		{name: "Wenz: 2 Laufende with the defenders count", hands: skHandsSauspiel, game: Wenz, declarer: 1, partner: -1,
			points: []int{30, 40, 30, 20}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			laufende: 2, multiplier: 1, value: 70, payouts: []int{70, -210, 70, 70}},
		{name: "Wenz: 1 Laufender does not count", hands: skHandsSplit, game: Wenz, declarer: 0, partner: -1,
			points: []int{61, 20, 20, 19}, tricks: []int{2, 2, 2, 2}, kontra: -1, re: -1,
			win: true, multiplier: 1, value: 50, payouts: []int{150, -50, -50, -50}},
		{name: "short deck: 3 Laufende count", short: true, hands: skHandsShort, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{31, 29, 30, 30}, tricks: []int{2, 1, 2, 1}, kontra: -1, re: -1,
			win: true, laufende: 3, multiplier: 1, value: 50, payouts: []int{50, -50, 50, -50}},
		{name: "short deck: 2 Laufende do not count", short: true, hands: skHandsShortTwo, game: Sauspiel, declarer: 0, partner: 2,
			points: []int{31, 29, 30, 30}, tricks: []int{2, 1, 2, 1}, kontra: -1, re: -1,
			win: true, multiplier: 1, value: 20, payouts: []int{20, -20, 20, -20}},
		{name: "short deck: Wenz 2 Laufende count", short: true, hands: skHandsShort, game: Wenz, declarer: 1, partner: -1,
			points: []int{20, 70, 20, 10}, tricks: []int{1, 3, 1, 1}, kontra: -1, re: -1,
			win: true, laufende: 2, multiplier: 1, value: 70, payouts: []int{-70, 210, -70, -70}},
		{name: "short deck: 12 Laufende with the defenders", short: true, hands: skHandsShortTop,
			game: Solo, suit: Clubs, declarer: 3, partner: -1,
			points: []int{30, 30, 30, 30}, tricks: []int{2, 2, 1, 1}, kontra: -1, re: -1,
			schneider: true, laufende: 12, multiplier: 1, value: 180, payouts: []int{180, 180, 180, -540}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Deal{
				Deck:   skDeck(t, 3, tt.short, tt.hands),
				Hands:  make([][]Card, 4),
				Points: tt.points,
				Tricks: tt.tricks,
			}
			sk := newSchafkopfDeal(4)
			sk.Game, sk.Suit, sk.Declarer, sk.Partner = tt.game, tt.suit, tt.declarer, tt.partner
			sk.Kontra, sk.Re = tt.kontra, tt.re
			for i := 0; i < tt.knocks; i++ {
				sk.Knocks = append(sk.Knocks, i)
			}
			r := sk.settle(d, tt.short)
			wantPartner := -1
			if tt.game == Sauspiel {
				wantPartner = tt.partner
			}
			want := SchafkopfResult{
				Game: tt.game, Declarer: tt.declarer, Partner: wantPartner, DeclarersWin: tt.win,
				Points: tt.points, Schneider: tt.schneider, Schwarz: tt.schwarz, Laufende: tt.laufende,
				Knocks: tt.knocks, Multiplier: tt.multiplier, Value: tt.value, Payouts: tt.payouts,
			}
			if !reflect.DeepEqual(r, want) {
				t.Fatalf("result %+v\nwant   %+v", r, want)
			}
			sum := 0
			for _, p := range r.Payouts {
				sum += p
			}
			if sum != 0 {
				t.Fatalf("payouts %v do not sum to 0", r.Payouts)
			}
		})
	}
}
