package game

import (
	"reflect"
	"testing"
)

// skTrick builds a trick from card codes; seats are irrelevant to the
// verdicts and are numbered from 0.
func skTrick(t *testing.T, cards string) []Played {
	var out []Played
	for i, c := range skCards(t, cards) {
		out = append(out, Played{Seat: i, Card: c})
	}
	return out
}

func TestSchafkopfCardVerdicts(t *testing.T) {
	ag := Card{Rank: Ace, Suit: Spades}
	tests := []struct {
		name    string
		game    Contract
		suit    Suit // solo suit
		short   bool
		ranAway bool
		hand    string
		trick   string
		card    string
		want    *Refusal
	}{
		// §5 follow rule.
		{"a card not held is refused", Sauspiel, 0, false, false, "7E 9G", "", "AE", ErrCardNotInHand},
		{"Sauspiel: a trump lead must be followed with trump", Sauspiel, 0, false, false, "XH 9G", "OG", "9G", ErrMustFollowSuit},
		{"Sauspiel: Herz cards are trumps", Sauspiel, 0, false, false, "XH 9G", "OG", "XH", nil},
		{"Sauspiel: an Ober is a trump, not a card of its suit", Sauspiel, 0, false, false, "OE 9G", "AE", "9G", nil},
		{"Sauspiel: an Unter does not follow its suit", Sauspiel, 0, false, false, "UE 9E", "AE", "UE", ErrMustFollowSuit},
		{"Wenz: an Ober belongs to its suit", Wenz, 0, false, false, "OE 9G", "AE", "9G", ErrMustFollowSuit},
		{"Wenz: the Ober follows its suit", Wenz, 0, false, false, "OE 9G", "AE", "OE", nil},
		{"Wenz: Herz is a plain suit", Wenz, 0, false, false, "AH 9G", "UE", "9G", nil},
		{"Wenz: Unters are the only trumps", Wenz, 0, false, false, "UG 9G", "UE", "9G", ErrMustFollowSuit},
		{"Solo: the chosen suit is trump", Solo, Spades, false, false, "7G 9H", "OE", "9H", ErrMustFollowSuit},
		{"Solo: Herz is plain in a Gras-Solo", Solo, Spades, false, false, "7G 9H", "AH", "7G", ErrMustFollowSuit},
		{"no obligation to win the trick", Sauspiel, 0, false, false, "9S AS", "KS", "9S", nil},
		{"no obligation to trump when void", Sauspiel, 0, false, false, "UE 9G", "AS", "9G", nil},
		{"a void player may play any card", Sauspiel, 0, false, false, "UE 9G", "AS", "UE", nil},
		{"the leader may lead anything", Sauspiel, 0, false, false, "UE 9G 9E", "", "9E", nil},

		// §5.1 called ace AG; the hand holding AG is the partner's.
		{"searched: the partner must play the called ace", Sauspiel, 0, false, false, "AG 9G OE", "7G", "9G", ErrCalledAceRule},
		{"searched: the called ace is legal", Sauspiel, 0, false, false, "AG 9G OE", "7G", "AG", nil},
		{"searched: the follow rule comes first", Sauspiel, 0, false, false, "AG 9G OE", "7G", "OE", ErrMustFollowSuit},
		{"no discarding the called ace on another class", Sauspiel, 0, false, false, "AG OE", "AE", "AG", ErrCalledAceRule},
		{"no discarding the called ace on a trump lead", Sauspiel, 0, false, false, "AG 9E", "OS", "AG", ErrCalledAceRule},
		{"the called ace may go as the last card", Sauspiel, 0, false, false, "AG", "AE", "AG", nil},
		{"leading the called suit: the ace must lead", Sauspiel, 0, false, false, "AG XG 9G OE", "", "9G", ErrCalledAceRule},
		{"leading the called suit with the ace", Sauspiel, 0, false, false, "AG XG 9G OE", "", "AG", nil},
		{"leading another class is free", Sauspiel, 0, false, false, "AG XG 9G OE", "", "OE", nil},
		{"davonlaufen with 4 cards of the suit", Sauspiel, 0, false, false, "AG XG KG 9G OE", "", "9G", nil},
		{"no davonlaufen with 3 cards in the long deck", Sauspiel, 0, false, false, "AG XG 9G", "", "XG", ErrCalledAceRule},
		{"short deck: davonlaufen with 3 cards", Sauspiel, 0, true, false, "AG XG 9G", "", "9G", nil},
		{"short deck: no davonlaufen with 2 cards", Sauspiel, 0, true, false, "AG 9G OE", "", "9G", ErrCalledAceRule},
		{"after davonlaufen a search does not force the ace", Sauspiel, 0, false, true, "AG XG OE", "8G", "XG", nil},
		{"after davonlaufen the ace may be discarded", Sauspiel, 0, false, true, "AG OE", "AE", "AG", nil},
		{"after the ace fell there is no restriction", Sauspiel, 0, false, false, "XG 9G OE", "", "9G", nil},
		{"the obligations are a Sauspiel's only", Solo, Hearts, false, false, "AG 9G OE", "", "9G", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sk := &schafkopfDeal{Game: tt.game, Suit: tt.suit, RanAway: tt.ranAway}
			if tt.game == Sauspiel {
				sk.Ace = ag
			}
			hand := skCards(t, tt.hand)
			got := sk.cardVerdict(hand, skTrick(t, tt.trick), skCard(t, tt.card), tt.short)
			if got != tt.want {
				t.Fatalf("verdict = %v, want %v", got, tt.want)
			}
			legal := sk.legalCards(hand, skTrick(t, tt.trick), tt.short)
			if hasCard(legal, skCard(t, tt.card)) != (tt.want == nil) {
				t.Fatalf("legal cards %v disagree with the verdict", legal)
			}
		})
	}
}

func TestSchafkopfTrickWinner(t *testing.T) {
	tests := []struct {
		name  string
		game  Contract
		suit  Suit
		trick string
		want  int
	}{
		{"Sauspiel: OE is the highest trump", Sauspiel, 0, "UE OS OE AH", 2},
		{"Sauspiel: Obers Eichel > Gras > Herz > Schellen", Sauspiel, 0, "OS OH OG UE", 2},
		{"Sauspiel: Unters beat Herz", Sauspiel, 0, "AH US XH KH", 1},
		{"Sauspiel: Herz A X K 9 8 7", Sauspiel, 0, "9H KH 7H XH", 3},
		{"Sauspiel: a trump beats the led suit", Sauspiel, 0, "AE XE 7H KE", 2},
		{"Sauspiel: the highest card of the led suit", Sauspiel, 0, "9E XE AG KE", 1},
		{"Sauspiel: other suits never win", Sauspiel, 0, "7E AS AG XS", 0},
		{"Wenz: UE beats everything", Wenz, 0, "AE OE UE XE", 2},
		{"Wenz: Obers rank between King and Nine", Wenz, 0, "9E OE KE 8E", 2},
		{"Wenz: Obers are not trumps", Wenz, 0, "AE OG 7E 8E", 0},
		{"Wenz: Unter order", Wenz, 0, "US UH UG 7E", 2},
		{"Solo: the solo suit is trump", Solo, Diamonds, "AE 7S XE KE", 1},
		{"Solo: Herz is a plain suit", Solo, Diamonds, "9H AH 7E OS", 3},
		{"Solo: Unters beat the suit ace", Solo, Diamonds, "AS US 9S XS", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &View{Schafkopf: &SchafkopfView{Game: tt.game, Suit: tt.suit}}
			if got := schafkopfTrickWinner(v, skTrick(t, tt.trick)); got != tt.want {
				t.Fatalf("winner = %d, want %d", got, tt.want)
			}
		})
	}
	if got := schafkopfTrickWinner(&View{}, nil); got != -1 {
		t.Fatalf("empty trick: %d", got)
	}
}

func TestSchafkopfIsTrump(t *testing.T) {
	tests := []struct {
		name  string
		game  Contract
		suit  Suit
		trump string
		plain string
	}{
		{"Sauspiel: Obers, Unters, Herz", Sauspiel, 0, "OE OS UG US AH XH 7H", "AE XS KG 9E 7S"},
		{"Wenz: Unters only", Wenz, 0, "UE UG UH US", "OE OH AH XH AE 7S"},
		{"Eichel-Solo", Solo, Clubs, "OG UH AE XE 7E", "AH XH 7H AS AG"},
		{"Schellen-Solo", Solo, Diamonds, "OE US AS 9S", "AH AE AG 7H"},
		{"before a game is fixed: Sauspiel order", "", 0, "OE UE AH", "AE AG AS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &View{Schafkopf: &SchafkopfView{Game: tt.game, Suit: tt.suit}}
			for _, c := range skCards(t, tt.trump) {
				if !schafkopfIsTrump(v, c) {
					t.Errorf("%v is not a trump", c)
				}
			}
			for _, c := range skCards(t, tt.plain) {
				if schafkopfIsTrump(v, c) {
					t.Errorf("%v is a trump", c)
				}
			}
		})
	}
}

func TestSchafkopfPlay(t *testing.T) {
	t.Run("forehand leads the first trick whoever declared", func(t *testing.T) {
		s := skNew(t, Options{TurnTimeoutMs: 9000}, 3)
		s.start(skHandsSolo)
		s.knock()
		ev := s.announce(nil, nil, Announce{Game: Solo, Suit: Spades}, nil)
		mp := skOf[MustPlayCard](ev)
		if len(mp) != 1 || mp[0].Seat != 0 || mp[0].Deadline != s.now+9000 {
			t.Fatalf("first prompt %+v", mp)
		}
		if !skSameCards(mp[0].Legal, skCards(t, skHandsSolo[0])) {
			t.Fatalf("lead legal = %v", mp[0].Legal)
		}
		if other := VisibleTo(mp[0], 2).(MustPlayCard); other.Legal != nil || other.Seat != 0 {
			t.Fatalf("seat 2 sees %+v", other)
		}
		if v := s.tbl.View(0); v.Turn != 0 || v.Leader != 0 || v.Stage != "play" {
			t.Fatalf("view: turn %d leader %d stage %s", v.Turn, v.Leader, v.Stage)
		}
	})
	t.Run("each card prompts the next seat, the winner leads the next trick", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsSolo, nil, nil, Announce{Game: Solo, Suit: Spades}, nil)
		ev := s.play("AE XE")
		if cp := skOf[CardPlayed](ev); len(cp) != 2 || cp[1] != (CardPlayed{Seat: 1, Card: skCard(t, "XE")}) {
			t.Fatalf("cardPlayed %v", cp)
		}
		mp := skOf[MustPlayCard](ev)
		// Seat 2 has no Eichel: every card is legal.
		if len(mp) != 2 || mp[1].Seat != 2 || len(mp[1].Legal) != 8 {
			t.Fatalf("prompt %+v", mp)
		}
		ev = s.play("OE KE")
		tt := skOf[TrickTaken](ev)
		if len(tt) != 1 || tt[0] != (TrickTaken{Seat: 2, Points: 28}) {
			t.Fatalf("trickTaken %v", tt)
		}
		mp = skOf[MustPlayCard](ev)
		if len(mp) != 2 || mp[1].Seat != 2 {
			t.Fatalf("next lead prompt %+v", mp)
		}
		v := s.tbl.View(-1)
		if v.TrickNo != 1 || len(v.Trick) != 0 || v.Leader != 2 || !reflect.DeepEqual(v.Tricks, []int{0, 0, 1, 0}) ||
			!reflect.DeepEqual(v.Schafkopf.Points, []int{0, 0, 28, 0}) {
			t.Fatalf("view after trick 1: %+v %+v", v, v.Schafkopf)
		}
	})
	t.Run("a timeout only passes the deadline", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsSolo, nil, nil, Announce{Game: Solo, Suit: Spades}, nil)
		s.play("AE")
		before := skEncode(t, s.tbl)
		if ev := s.timeout(); ev != nil {
			t.Fatalf("timeout gave %v", ev)
		}
		if string(before) != string(skEncode(t, s.tbl)) {
			t.Fatal("timeout changed the table")
		}
	})
	t.Run("refusals change nothing", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsSauspiel, skSauspiel(t, "AE"), nil, nil, nil)
		s.refused(1, PlayCard{Card: skCard(t, "AE")}, ErrNotYourTurn)
		s.refused(0, PlayCard{Card: skCard(t, "AE")}, ErrCardNotInHand)
		s.refused(0, PlayCard{Card: Card{}}, ErrCardNotInHand)
		s.refused(0, PlayCard{Card: skCard(t, "OE"), Marriage: true}, ErrNoMarriage)
		s.refused(0, Knock{}, ErrWrongStage)
		s.refused(0, Pass{}, ErrWrongStage)
		s.refused(0, Announce{Game: Wenz}, ErrWrongStage)
		s.play("OE")
		s.refused(1, PlayCard{Card: skCard(t, "AE")}, ErrMustFollowSuit)
		s.refused(1, PlayCard{Card: skCard(t, "9G")}, ErrMustFollowSuit)
		s.play("7H XH 9H | OG 8H AH KH | OH UH 8E US | 7E")
		// Seat 1 is searched: AE must fall.
		s.refused(1, PlayCard{Card: skCard(t, "KE")}, ErrCalledAceRule)
		s.refused(1, PlayCard{Card: skCard(t, "9G")}, ErrMustFollowSuit)
		if got := s.tbl.Legal(1); !reflect.DeepEqual(got, []Command{PlayCard{Card: skCard(t, "AE")}}) {
			t.Fatalf("legal when searched = %v", got)
		}
	})
}

func TestSchafkopfCalledAceNoDiscardUntilLastCard(t *testing.T) {
	s := skToPlay(t, Options{}, skHandsNoDiscard, skSauspiel(t, "AG"), nil, nil, nil)
	if s.sk().Partner != 3 {
		t.Fatalf("partner %d, want 3", s.sk().Partner)
	}
	s.play("OE 8H 8G 7H | OG 9H 9G")
	// Seat 3 is void in trump and holds AG: he may not discard it.
	s.refused(3, PlayCard{Card: skCard(t, "AG")}, ErrCalledAceRule)
	for _, c := range s.tbl.Legal(3) {
		if c == (PlayCard{Card: skCard(t, "AG")}) {
			t.Fatal("AG is legal as a discard")
		}
	}
	s.play("9S | OH KH KG 8S | OS XH XG 7S | US UE KS 9E | AE KE 8E 7G | XE XS 7E UG | UH AH AS")
	// Trick 8 is a trump trick and AG is seat 3's last card.
	if got := s.tbl.Legal(3); !reflect.DeepEqual(got, []Command{PlayCard{Card: skCard(t, "AG")}}) {
		t.Fatalf("legal with the last card = %v", got)
	}
	r := skResult(t, s.play("AG"))
	if r.Partner != 3 || !r.DeclarersWin || !reflect.DeepEqual(r.Points, []int{97, 23, 0, 0}) {
		t.Fatalf("result %+v", r)
	}
}

func TestSchafkopfCalledAceLead(t *testing.T) {
	t.Run("the partner leads the called suit with the ace", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsNoRunAway, nil, skSauspiel(t, "AG"), nil, nil)
		s.refused(0, PlayCard{Card: skCard(t, "KG")}, ErrCalledAceRule)
		s.refused(0, PlayCard{Card: skCard(t, "XG")}, ErrCalledAceRule)
		var legal []Card
		for _, c := range s.tbl.Legal(0) {
			legal = append(legal, c.(PlayCard).Card)
		}
		if !skSameCards(legal, skCards(t, "AG OE OG 7E 7S 8S")) {
			t.Fatalf("legal lead = %v", legal)
		}
		s.play("AG")
		if v := s.tbl.View(2).Schafkopf; v.Partner != 0 {
			t.Fatalf("partner after the ace = %d", v.Partner)
		}
		s.playOut()
	})
	t.Run("davonlaufen with four cards frees the partner", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsRunAway, nil, skSauspiel(t, "AG"), nil, nil)
		s.play("9G")
		if !s.sk().RanAway || s.sk().PartnerKnown {
			t.Fatalf("ran away %v, partner known %v", s.sk().RanAway, s.sk().PartnerKnown)
		}
		s.play("7G 8E 9S | 7S UG KS 8S | 8G 9E 7H")
		// Gras is searched, but seat 0 ran away: KG instead of AG.
		s.play("KG")
		r := skResult(t, s.playOut())
		if r.Partner != 0 || r.Declarer != 1 {
			t.Fatalf("result %+v", r)
		}
	})
	t.Run("short deck: davonlaufen with three cards", func(t *testing.T) {
		s := skToPlay(t, Options{ShortDeck: true}, skHandsShort, nil, skSauspiel(t, "AG"), nil, nil)
		s.play("9G")
		if !s.sk().RanAway {
			t.Fatal("9G lead was not davonlaufen")
		}
		s.playOut()
	})
}

func TestSchafkopfKontraRe(t *testing.T) {
	// skHandsSauspiel: seat 0 declares with AE called; seat 1 is the
	// partner; seats 2 and 3 defend.
	start := func(t *testing.T) *skTable {
		return skToPlay(t, Options{}, skHandsSauspiel, skSauspiel(t, "AE"), nil, nil, nil)
	}
	t.Run("a defender gives Kontra out of turn", func(t *testing.T) {
		s := start(t)
		if got := s.tbl.Legal(2); !reflect.DeepEqual(got, []Command{Kontra{}}) {
			t.Fatalf("defender legal = %v", got)
		}
		ev := s.do(2, Kontra{})
		if !reflect.DeepEqual(ev, []Event{KontraGiven{Seat: 2}}) {
			t.Fatalf("events %v", ev)
		}
		if v := s.tbl.View(-1).Schafkopf; v.Kontra != 2 || v.Re != -1 {
			t.Fatalf("view kontra %d re %d", v.Kontra, v.Re)
		}
		s.refused(3, Kontra{}, ErrKontraNotAllowed)
	})
	t.Run("the declaring party may not give Kontra", func(t *testing.T) {
		s := start(t)
		s.refused(0, Kontra{}, ErrKontraNotAllowed)
		s.refused(1, Kontra{}, ErrKontraNotAllowed)
		if got := s.tbl.Legal(1); got != nil {
			t.Fatalf("partner legal = %v", got)
		}
	})
	t.Run("not after the defender played his first card", func(t *testing.T) {
		s := start(t)
		s.play("OE 7H XH")
		s.refused(2, Kontra{}, ErrKontraNotAllowed)
		s.do(3, Kontra{})
	})
	t.Run("not after the first trick", func(t *testing.T) {
		s := start(t)
		s.play("OE 7H XH 9H")
		s.refused(2, Kontra{}, ErrKontraNotAllowed)
		s.refused(3, Kontra{}, ErrKontraNotAllowed)
	})
	t.Run("Re only after Kontra, only by the declaring party", func(t *testing.T) {
		s := start(t)
		s.refused(0, Re{}, ErrKontraNotAllowed)
		s.do(3, Kontra{})
		s.refused(2, Re{}, ErrKontraNotAllowed)
		s.refused(3, Re{}, ErrKontraNotAllowed)
		if v := s.tbl.View(2).Schafkopf; v.Partner != -1 {
			t.Fatalf("partner shown before Re: %d", v.Partner)
		}
		ev := s.do(1, Re{})
		if !reflect.DeepEqual(ev, []Event{ReGiven{Seat: 1}}) {
			t.Fatalf("events %v", ev)
		}
		if v := s.tbl.View(2).Schafkopf; v.Partner != 1 || v.Re != 1 {
			t.Fatalf("after the partner's Re: partner %d re %d", v.Partner, v.Re)
		}
		s.refused(0, Re{}, ErrKontraNotAllowed)
	})
	t.Run("Re until the first card of trick 2", func(t *testing.T) {
		s := start(t)
		s.play("OE 7H")
		s.do(2, Kontra{})
		s.play("XH 9H")
		if got := s.tbl.Legal(0); !hasCommand(got, Re{}) {
			t.Fatalf("declarer legal before trick 2 = %v", got)
		}
		s.do(0, Re{})
		if v := s.tbl.View(3).Schafkopf; v.Partner != -1 {
			t.Fatalf("the declarer's Re revealed the partner: %d", v.Partner)
		}
	})
	t.Run("no Re once trick 2 began", func(t *testing.T) {
		s := start(t)
		s.do(2, Kontra{})
		s.play("OE 7H XH 9H | OG")
		s.refused(0, Re{}, ErrKontraNotAllowed)
		s.refused(1, Re{}, ErrKontraNotAllowed)
	})
	t.Run("Wenz and Solo: any of the three defenders", func(t *testing.T) {
		s := skToPlay(t, Options{}, skHandsSolo, nil, nil, Announce{Game: Solo, Suit: Spades}, nil)
		for _, seat := range []int{0, 1, 3} {
			if !hasCommand(s.tbl.Legal(seat), Kontra{}) {
				t.Fatalf("seat %d may not give Kontra", seat)
			}
		}
		s.refused(2, Kontra{}, ErrKontraNotAllowed)
		s.do(1, Kontra{})
		s.do(2, Re{})
	})
}

func hasCommand(cmds []Command, want Command) bool {
	for _, c := range cmds {
		if c == want {
			return true
		}
	}
	return false
}
