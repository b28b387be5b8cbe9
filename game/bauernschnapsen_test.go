package game

import (
	"reflect"
	"testing"
)

// The decks below are shared by several tests; each comment tells the
// deal's story. Dealer 3, forehand 0, cutter 2.

// bsLastTrickHands: every seat holds one ace-to-queen card of each suit
// and a jack; trump D. Played out as bsLastTrickPlay in the normal game,
// each trick goes to the ace's holder: team 0 takes 28 + 28 + 8 = 64,
// team 1 28 + 28 = 56, nobody reaches 66 and seat 0 wins the last trick
// with the jack of trumps.
var bsLastTrickHands = [4]string{
	"AS QD QC QH JD",
	"XS AC KD KH JC",
	"KS KC AD XH JH",
	"QS XC XD AH JS",
}

const bsLastTrickPlay = "AS XS KS QS | QC AC KC XC | KD AD XD QD | XH AH QH KH | JS JD JC JH"

// bsMarriageEndHands: trump D. Seat 0 takes the first trick (28) and
// leads KD with the trump marriage: 68, the deal ends at once.
var bsMarriageEndHands = [4]string{
	"AS KD QD JS AD",
	"XS AH XH KH QH",
	"KS AC XC KC QC",
	"QS JH JC XD JD",
}

// bsSchnapserHands: trump H. Forehand (0) holds four trumps with the
// marriage; as declarer of a Schnapser it loses the first trick to seat 1
// (23), wins the second with a trump (31) and can make 66 with the trump
// marriage as the third lead. Seat 1 holds the spade marriage.
var bsSchnapserHands = [4]string{
	"JS KH QH AH XH",
	"AS AC KS QS JH",
	"AD XD KD QD JD",
	"XS XC KC QC JC",
}

// bsKontraHands: trump H, called by forehand with its one heart. Seat 1
// holds the other four trumps: as declarer of a Kontraschnapser it trumps
// forehand's lead (32) and can make 66 with the trump marriage as its
// first lead. Seat 3 (its partner) holds the diamonds.
var bsKontraHands = [4]string{
	"JH XC JC XS KS",
	"AH XH KH QH AS",
	"AC KC QC QS JS",
	"AD XD KD QD JD",
}

// bsBettelHands: seat 1 holds the four jacks and QD: as declarer of a
// Bettel (or Gang) it leads JS and loses every trick played as
// bsBettelPlay. Forehand calls spades.
var bsBettelHands = [4]string{
	"AS XS KS AD XD",
	"JS JH JC JD QD",
	"QS AH XH KH KD",
	"QH AC XC KC QC",
}

const bsBettelPlay = "JS QS KS | AD QD KD | XD JD AH | AS JH XH | XS JC KH"

// bsGangHands: seat 2 holds the four aces and XS: as declarer of a Gang
// it wins all five tricks played as bsGangPlay. Forehand calls hearts.
var bsGangHands = [4]string{
	"XH KH QH JH XC",
	"KS QS XD KD QD",
	"AS AH AC AD XS",
	"JS KC QC JC JD",
}

const bsGangPlay = "AS JS KS | AH KC XD | AC QC KD | AD JD QD | XS JC QS"

// §1: teams are seats 0+2 and 1+3; forehand is the seat after the
// dealer, the cutter the seat before; DECIDED 1: the first dealer is the
// configured (randomly drawn) one and the deal rotates clockwise.
func TestBauernSeatsTeamsAndRotation(t *testing.T) {
	for seat, team := range []int{0, 1, 0, 1} {
		if bauernTeam(seat) != team {
			t.Errorf("seat %d is in team %d, want %d", seat, bauernTeam(seat), team)
		}
	}
	for first := 0; first < 4; first++ {
		s := bsNew(t, first)
		for deal := 0; deal < 5; deal++ {
			dealer := (first + deal) % 4
			if s.tbl.Dealer() != dealer {
				t.Fatalf("first dealer %d, deal %d: dealer %d, want %d", first, deal+1, s.tbl.Dealer(), dealer)
			}
			evs := s.start(SchnapsenDeck())
			cut, _ := schnapsenLastEvent[MustCut](evs)
			if cut.Seat != (dealer+3)%4 || s.tbl.d.Deal.Forehand != (dealer+1)%4 {
				t.Fatalf("dealer %d: cutter %d forehand %d", dealer, cut.Seat, s.tbl.d.Deal.Forehand)
			}
			s.timeout()
			s.do(s.tbl.d.Deal.Forehand, s.tbl.Legal(s.tbl.d.Deal.Forehand)[0])
			s.auction("- - - -")
			s.playOut()
		}
	}
}

// playOut plays the first legal card of the seat to act until the deal
// ends.
func (s *bsTable) playOut() []Event {
	s.t.Helper()
	var out []Event
	for s.tbl.Playing() {
		seat := s.tbl.Prompt().Turn
		var cmd Command
		for _, c := range s.tbl.Legal(seat) {
			if p, ok := c.(PlayCard); ok && !p.Marriage {
				cmd = p
				break
			}
		}
		if cmd == nil {
			s.t.Fatalf("seat %d has no legal card in stage %s", seat, s.tbl.StageName())
		}
		out = append(out, s.do(seat, cmd)...)
	}
	return out
}

// §12: the fixed stage list; the stages that do not apply skip
// themselves.
func TestBauernStageList(t *testing.T) {
	var names []string
	for _, st := range (bauernRules{}).stages(Options{}) {
		names = append(names, st.Name())
	}
	want := []string{"cutting", "dealing", "callTrump", "dealing", "negotiation", "play", "play", "play", "play", "play", "result"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("stages %v, want %v", names, want)
	}
	if p := (bauernRules{}).stages(Options{})[5].(bauernPlay); !p.Contra {
		t.Fatal("the first trick's stage has no Kontra window")
	}
}

// §2, DECIDED 2: the cutter has a 5-second window; the timeout cuts.
func TestBauernCutWindow(t *testing.T) {
	s := bsNew(t, 3)
	evs := s.start(SchnapsenDeck())
	cut, ok := schnapsenLastEvent[MustCut](evs)
	if !ok || cut.Seat != 2 || cut.Deadline != s.now+5000 {
		t.Fatalf("mustCut %+v (at %d), want seat 2 with a 5 s deadline", cut, s.now)
	}
	if v := s.tbl.View(2); v.Stage != "cutting" || v.Turn != 2 || !reflect.DeepEqual(v.Legal, []Command{Cut{}, Knock{}}) {
		t.Fatalf("cutter's view: stage %s turn %d legal %v", v.Stage, v.Turn, v.Legal)
	}
	if v := s.tbl.View(0); len(v.Legal) != 0 {
		t.Fatalf("forehand may %v during the cut window", v.Legal)
	}
	evs = s.timeout()
	if got, _ := schnapsenLastEvent[CutChosen](evs); got.Seat != 2 {
		t.Fatalf("timeout gave %v, want cut by seat 2", evs)
	}
	if dealt := schnapsenEventsOf[CardsDealt](evs); len(dealt) != 4 || dealt[0].Count != 3 {
		t.Fatalf("after the timeout dealt %v, want four packets of 3", dealt)
	}
	if s.b().Knocked || s.tbl.StageName() != "callTrump" {
		t.Fatalf("knocked %v, stage %s", s.b().Knocked, s.tbl.StageName())
	}
}

// §2: refusals in the cut window change nothing.
func TestBauernCutWindowRefusals(t *testing.T) {
	s := bsNew(t, 3)
	s.start(SchnapsenDeck())
	tests := []struct {
		name string
		seat int
		cmd  Command
		want *Refusal
	}{
		{"another seat cuts", 0, Cut{}, ErrNotYourTurn},
		{"another seat knocks", 3, Knock{}, ErrNotYourTurn},
		{"the dealer cuts", 3, Cut{}, ErrNotYourTurn},
		{"noKnock is Schafkopf's", 2, NoKnock{}, ErrWrongStage},
		{"a card before the deal", 0, PlayCard{Card: Card{Rank: Ace, Suit: Clubs}}, ErrWrongStage},
		{"a trump call before the deal", 0, CallTrump{Suit: Clubs}, ErrWrongStage},
		{"a seat that does not exist", 4, Cut{}, ErrNotSeated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.t = t
			s.refused(tt.seat, tt.cmd, tt.want)
		})
	}
	s.t = t
	// A stale timer changes nothing once the cutter answered.
	serial := s.tbl.Prompt().Serial
	s.do(2, Cut{})
	if evs, err := s.tbl.Handle(Action{Seat: SystemSeat, Cmd: Timeout{Serial: serial}, Now: s.now}); err != nil || evs != nil {
		t.Fatalf("stale timeout: %v %v", evs, err)
	}
	s.refused(2, Cut{}, ErrWrongStage)
}

// §3.1, §3.2: the deck index mapping after a cut (3 + 2, clockwise from
// forehand) and after a knock (5 at once), for every dealer.
func TestBauernDealMapsDeckIndices(t *testing.T) {
	for dealer := 0; dealer < 4; dealer++ {
		for _, knock := range []bool{false, true} {
			deck := SchnapsenDeck()
			s := bsNew(t, dealer)
			s.start(deck)
			var evs []Event
			if knock {
				evs = s.do((dealer+3)%4, Knock{})
			} else {
				evs = s.do((dealer+3)%4, Cut{})
			}
			f := (dealer + 1) % 4
			var want []CardsDealt
			if knock {
				if k, _ := schnapsenLastEvent[Knocked](evs); k.Seat != (dealer+3)%4 {
					t.Fatalf("dealer %d: knocked %+v", dealer, k)
				}
				for i := 0; i < 4; i++ {
					want = append(want, CardsDealt{Seat: (f + i) % 4, Cards: deck[5*i : 5*i+5], Count: 5})
				}
			} else {
				for i := 0; i < 4; i++ {
					want = append(want, CardsDealt{Seat: (f + i) % 4, Cards: deck[3*i : 3*i+3], Count: 3})
				}
			}
			if got := schnapsenEventsOf[CardsDealt](evs); !reflect.DeepEqual(got, want) {
				t.Fatalf("dealer %d knock %v: dealt %v, want %v", dealer, knock, got, want)
			}
			evs = s.do(f, s.tbl.Legal(f)[0])
			want = nil
			if !knock {
				for i := 0; i < 4; i++ {
					want = append(want, CardsDealt{Seat: (f + i) % 4, Cards: deck[12+2*i : 14+2*i], Count: 2})
				}
			}
			if got := schnapsenEventsOf[CardsDealt](evs); !reflect.DeepEqual(got, want) {
				t.Fatalf("dealer %d knock %v: round 2 dealt %v, want %v", dealer, knock, got, want)
			}
			for seat := 0; seat < 4; seat++ {
				if n := len(s.hand(seat)); n != 5 {
					t.Fatalf("dealer %d knock %v: seat %d holds %d cards", dealer, knock, seat, n)
				}
			}
			if s.tbl.StageName() != "negotiation" || s.tbl.Prompt().Turn != f {
				t.Fatalf("after the deal: stage %s turn %d, want negotiation with forehand", s.tbl.StageName(), s.tbl.Prompt().Turn)
			}
		}
	}
}

// §3.1: after a cut forehand calls from its three cards only: a suit it
// will get in round 2 is refused.
func TestBauernTrumpCallAfterCut(t *testing.T) {
	// Forehand gets AS QD QC now, QH JD in round 2.
	hands := bsLastTrickHands
	s := bsNew(t, 3)
	s.start(bsDeck(t, 3, false, hands))
	evs := s.do(2, Cut{})
	prompt, _ := schnapsenLastEvent[MustCallTrump](evs)
	if want := []Suit{Clubs, Spades, Diamonds}; prompt.Seat != 0 || !reflect.DeepEqual(prompt.Suits, want) || !prompt.Aufschlagen {
		t.Fatalf("mustCallTrump %+v, want seat 0, suits %v and Aufschlagen", prompt, want)
	}
	if prompt.Deadline != s.now+bsTestTimeout {
		t.Fatalf("deadline %d, want the turn timer", prompt.Deadline)
	}
	if got := VisibleTo(prompt, 1).(MustCallTrump); got.Suits != nil || !got.Aufschlagen {
		t.Fatalf("another seat sees %+v", got)
	}
	want := []Command{CallTrump{Suit: Clubs}, CallTrump{Suit: Spades}, CallTrump{Suit: Diamonds}, CallTrump{Aufschlagen: true}}
	if got := s.tbl.Legal(0); !reflect.DeepEqual(got, want) {
		t.Fatalf("legal %v, want %v", got, want)
	}
	if got := s.tbl.Legal(1); len(got) != 0 {
		t.Fatalf("seat 1 may %v", got)
	}
	s.refused(0, CallTrump{Suit: Hearts}, ErrBadTrumpCall) // QH comes in round 2
	s.refused(0, CallTrump{Suit: 7}, ErrBadCard)
	s.refused(1, CallTrump{Suit: Spades}, ErrNotYourTurn)
	s.refused(0, Pass{}, ErrWrongStage)
	s.refused(0, Cut{}, ErrWrongStage)
	if evs := s.timeout(); len(evs) != 0 || s.tbl.StageName() != "callTrump" {
		t.Fatalf("a passed deadline did %v", evs)
	}
	evs = s.do(0, CallTrump{Suit: Diamonds})
	if got, _ := schnapsenLastEvent[TrumpCalled](evs); got != (TrumpCalled{Seat: 0, Suit: Diamonds}) {
		t.Fatalf("trumpCalled %+v", got)
	}
	if b := s.b(); !b.Called || b.Trump != Diamonds || b.Aufschlagen || b.TurnedUp.Valid() {
		t.Fatalf("deal %+v", b)
	}
}

// §3.1, DECIDED 3: Aufschlagen turns up deck index 12, forehand's first
// card of round 2: its suit is trump, the card goes to forehand's hand
// and is public.
func TestBauernAufschlagen(t *testing.T) {
	s := bsNew(t, 3)
	deck := bsDeck(t, 3, false, bsLastTrickHands)
	s.start(deck)
	s.do(2, Cut{})
	evs := s.do(0, CallTrump{Aufschlagen: true})
	up := deck[12]
	if up != schnapsenCard(t, "QH") {
		t.Fatalf("deck[12] is %v, want QH", up)
	}
	if got, _ := schnapsenLastEvent[TrumpCalled](evs); got != (TrumpCalled{Seat: 0, Suit: Hearts, Aufschlagen: true, Card: up}) {
		t.Fatalf("trumpCalled %+v", got)
	}
	if !hasCard(s.hand(0), up) {
		t.Fatalf("forehand's hand %v lacks the turned-up %v", s.hand(0), up)
	}
	for seat := -1; seat < 4; seat++ {
		b := s.tbl.View(seat).Bauernschnapsen
		if !b.TrumpCalled || b.Trump != Hearts || !b.Aufschlagen || b.TurnedUp != up {
			t.Fatalf("seat %d sees %+v", seat, b)
		}
	}
}

// §3.2, DECIDED 2: after a knock forehand calls from all five cards and
// may not turn up a card.
func TestBauernTrumpCallAfterKnock(t *testing.T) {
	s := bsNew(t, 3)
	s.start(bsDeck(t, 3, true, bsLastTrickHands))
	evs := s.do(2, Knock{})
	prompt, _ := schnapsenLastEvent[MustCallTrump](evs)
	if want := []Suit{Clubs, Spades, Hearts, Diamonds}; !reflect.DeepEqual(prompt.Suits, want) || prompt.Aufschlagen {
		t.Fatalf("mustCallTrump %+v, want all four suits and no Aufschlagen", prompt)
	}
	for _, c := range s.tbl.Legal(0) {
		if c.(CallTrump).Aufschlagen {
			t.Fatal("Aufschlagen offered after a knock")
		}
	}
	s.refused(0, CallTrump{Aufschlagen: true}, ErrBadTrumpCall)
	s.do(0, CallTrump{Suit: Hearts})
	if !s.b().Knocked || s.b().Trump != Hearts || s.tbl.StageName() != "negotiation" {
		t.Fatalf("deal %+v in stage %s", s.b(), s.tbl.StageName())
	}
}
