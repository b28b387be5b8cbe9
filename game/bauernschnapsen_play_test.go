package game

import (
	"reflect"
	"strings"
	"testing"
)

// §7, DECIDED 7: Farb-, Stich- und Trumpfzwang, judged against the card
// that wins the trick so far, also when a partner's card wins it. Trump is
// hearts unless the case has no trump (Bettel, Gang).
func TestBauernFollowRules(t *testing.T) {
	tests := []struct {
		name    string
		noTrump bool
		trick   string // cards in play order, seats 0, 1, 2, ...
		hand    string
		card    string
		want    *Refusal
	}{
		{"the leader plays any card", false, "", "AS JH", "JH", nil},
		{"follow suit", false, "XS", "KS AH", "AH", ErrMustFollowSuit},
		{"follow suit with a lower card when none is higher", false, "XS", "KS AH", "KS", nil},
		{"head the trick", false, "KS", "AS QS", "QS", ErrMustHeadTrick},
		{"heading card", false, "KS", "AS QS", "AS", nil},
		{"head the winning card, not the led one", false, "QS AS", "XS KS", "KS", nil},
		{"head against one's partner", false, "QS KS", "AS JS", "JS", ErrMustHeadTrick},
		{"a trump wins: any card of the led suit", false, "KS JH", "AS QS", "QS", nil},
		{"a trump wins: still follow suit", false, "KS JH", "QS AC", "AC", ErrMustFollowSuit},
		{"void: trump", false, "KS", "JH AC", "AC", ErrMustTrump},
		{"void: any trump when none wins yet", false, "KS", "JH AH AC", "JH", nil},
		{"overtrump", false, "KS QH", "KH JH AC", "JH", ErrMustTrump},
		{"overtrumping card", false, "KS QH", "KH JH AC", "KH", nil},
		{"undertrump rather than discard", false, "KS AH", "JH AC", "AC", ErrMustTrump},
		{"undertrumping card", false, "KS AH", "JH AC", "JH", nil},
		{"void without trumps: any card", false, "KS", "AC QD", "QD", nil},
		{"trump led: follow and head", false, "QH", "KH JH AC", "JH", ErrMustHeadTrick},
		{"trump led: follow", false, "QH", "KH JH AC", "AC", ErrMustFollowSuit},
		{"no trump: void plays any card", true, "KS", "JH AC", "AC", nil},
		{"no trump: a heart does not win", true, "KS JH", "AS QS", "QS", ErrMustHeadTrick},
		{"no trump: still head", true, "KS", "AS QS", "QS", ErrMustHeadTrick},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &bauernDeal{Called: true, Trump: Hearts, Contract: NormalGame}
			if tt.noTrump {
				b.Contract = Bettel
			}
			var trick []Played
			for i, c := range schnapsenCards(t, tt.trick) {
				trick = append(trick, Played{Seat: i, Card: c})
			}
			got := b.followCheck(schnapsenCards(t, tt.hand), trick, schnapsenCard(t, tt.card))
			if got != tt.want {
				t.Fatalf("%s on %q from %q: %v, want %v", tt.card, tt.trick, tt.hand, got, tt.want)
			}
		})
	}
}

// §7: the table refuses a card against the follow rules and changes
// nothing; the prompt lists only legal cards.
func TestBauernFollowRefusals(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsKontraHands, "H")
	s.auction("- - - -")
	s.play("XC")
	s.refused(1, PlayCard{Card: schnapsenCard(t, "AS")}, ErrMustTrump)
	s.refused(1, PlayCard{Card: schnapsenCard(t, "AD")}, ErrCardNotInHand)
	s.refused(2, PlayCard{Card: schnapsenCard(t, "AC")}, ErrNotYourTurn)
	evs := s.play("QH")
	prompt, _ := schnapsenLastEvent[MustPlayCard](evs)
	if want := schnapsenCards(t, "AC KC QC"); prompt.Seat != 2 || !reflect.DeepEqual(prompt.Legal, want) {
		t.Fatalf("prompt %+v, want seat 2 with %v (a trump wins: any club)", prompt, want)
	}
	s.refused(2, PlayCard{Card: schnapsenCard(t, "QS")}, ErrMustFollowSuit)
	s.play("QC JD") // seat 3 holds only diamonds, no trumps: any card
	if d := &s.tbl.d.Deal; d.Tricks[1] != 1 || d.Leader != 1 {
		t.Fatalf("tricks %v leader %d: seat 1 should have won with the trump", d.Tricks, d.Leader)
	}

	s = bsNew(t, 3)
	s.deal(false, bsLastTrickHands, "D")
	s.auction("- - - -")
	s.play("AS XS KS QS | QC")
	s.refused(1, PlayCard{Card: schnapsenCard(t, "JC")}, ErrMustHeadTrick) // seat 1 holds AC
}

// §8, DECIDED 9: marriages in the normal game; the points wait for the
// team's first trick, which the partner may win.
func TestBauernMarriagePendingForTheTeam(t *testing.T) {
	hands := [4]string{
		"QD KD KS QS XD",
		"JD AS XS JS AH",
		"AD XH KH QH JH",
		"AC XC KC QC JC",
	}
	s := bsNew(t, 3)
	s.deal(false, hands, "D")
	s.auction("- - - -")
	if v := s.tbl.View(0); !reflect.DeepEqual(v.Legal[len(v.Legal)-4:], []Command{
		PlayCard{Card: schnapsenCard(t, "QD"), Marriage: true}, PlayCard{Card: schnapsenCard(t, "KD"), Marriage: true},
		PlayCard{Card: schnapsenCard(t, "KS"), Marriage: true}, PlayCard{Card: schnapsenCard(t, "QS"), Marriage: true},
	}) {
		t.Fatalf("legal %v lacks the marriages", v.Legal)
	}
	evs := s.play("QD+")
	if m, _ := schnapsenLastEvent[MarriageAnnounced](evs); m != (MarriageAnnounced{Seat: 0, Suit: Diamonds, Points: 40, Pending: true}) {
		t.Fatalf("marriage %+v, want 40 pending", m)
	}
	if v := s.tbl.View(3).Bauernschnapsen; !reflect.DeepEqual(v.Scores, []int{0, 0}) || !reflect.DeepEqual(v.Pending, []int{40, 0}) {
		t.Fatalf("scores %v pending %v", v.Scores, v.Pending)
	}
	s.refused(1, PlayCard{Card: schnapsenCard(t, "JD"), Marriage: true}, ErrWrongStage)
	s.play("JD AD JC") // seat 2, the partner, heads with AD and wins
	if v := s.tbl.View(1).Bauernschnapsen; !reflect.DeepEqual(v.Scores, []int{3 + 2 + 11 + 2 + 40, 0}) || !reflect.DeepEqual(v.Pending, []int{0, 0}) {
		t.Fatalf("scores %v pending %v, want the marriage credited to team 0", v.Scores, v.Pending)
	}
	// Seat 2 leads; a marriage is announced with its K or Q.
	s.refused(2, PlayCard{Card: schnapsenCard(t, "XH"), Marriage: true}, ErrNoMarriage)
	s.refused(2, PlayCard{Card: schnapsenCard(t, "JH"), Marriage: true}, ErrNoMarriage)
	if p, _ := schnapsenLastEvent[MustPlayCard](s.play("JH")); p.Seat != 3 || p.Marriages != nil {
		t.Fatalf("prompt %+v: a follow is offered marriages", p)
	}
}

// §8, §9: a credited marriage that brings the team to 66 ends the normal
// game at once, the lead card still on the table.
func TestBauernMarriageEndsTheNormalGame(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsMarriageEndHands, "D")
	s.auction("- - - -")
	evs := s.play("AS XS KS QS | KD+")
	if m, _ := schnapsenLastEvent[MarriageAnnounced](evs); m != (MarriageAnnounced{Seat: 0, Suit: Diamonds, Points: 40}) {
		t.Fatalf("marriage %+v", m)
	}
	r := bsResult(t, evs)
	want := BauernschnapsenResult{
		Game: NormalGame, Declarer: -1, Trump: Diamonds, WinnerTeam: 0, Reason: ReasonReached66,
		Value: 3, Multiplier: 1, MatchPoints: 3, Scores: []int{68, 0}, Tricks: []int{1, 0},
		Totals: []int{3, 0}, MatchWinner: -1, Bummerls: []int{0, 0, 0, 0},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("result\n %+v\nwant %+v", r, want)
	}
	if s.tbl.Playing() || len(s.hand(0)) != 3 {
		t.Fatalf("playing %v, forehand holds %v", s.tbl.Playing(), s.hand(0))
	}
}

// §8, DECIDED 9: which seats may announce marriages in which contract.
func TestBauernMarriageEligibility(t *testing.T) {
	tests := []struct {
		game Contract
		ok   [4]bool // the declarer is seat 1 in a special contract
	}{
		{NormalGame, [4]bool{true, true, true, true}},
		{Bettel, [4]bool{}},
		{Schnapser, [4]bool{false, true, false, false}},
		{Gang, [4]bool{}},
		{Bauernschnapser, [4]bool{}},
		{Kontraschnapser, [4]bool{false, true, false, false}},
		{Kontrabauernschnapser, [4]bool{}},
	}
	for _, tt := range tests {
		b := &bauernDeal{Contract: tt.game, Declarer: 1}
		for seat, want := range tt.ok {
			if got := b.marriageAllowed(seat); got != want {
				t.Errorf("%s: seat %d may marry %v, want %v", tt.game, seat, got, want)
			}
		}
	}
}

// §8: in Bettel and Gang, and for the Schnapser's opponents, a marriage is
// refused.
func TestBauernMarriageRefusedInContracts(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsSchnapserHands, "H")
	s.auction("schnapser - - -")
	s.play("JS AS XS")
	s.refused(1, PlayCard{Card: schnapsenCard(t, "KS"), Marriage: true}, ErrNoMarriage)

	s = bsNew(t, 3)
	s.deal(false, bsSchnapserHands, "H")
	evs := s.auction("gang - - -")
	s.refused(0, PlayCard{Card: schnapsenCard(t, "KH"), Marriage: true}, ErrNoMarriage)
	if p, _ := schnapsenLastEvent[MustPlayCard](evs); p.Seat != 0 || p.Marriages != nil {
		t.Fatalf("prompt %+v: marriages offered in a gang", p)
	}
}

// §6, DECIDED 8: Kontra once, by the defending side during the first
// trick before its own card; Re once after it, by the declaring side,
// until the first card of trick 2; no further doubling.
func TestBauernKontraAndRe(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsLastTrickHands, "D")
	s.auction("- - - -")
	if !reflect.DeepEqual(s.tbl.Legal(1), []Command{Kontra{}}) || len(s.tbl.Legal(2)) != 0 {
		t.Fatalf("legal: seat 1 %v, seat 2 %v", s.tbl.Legal(1), s.tbl.Legal(2))
	}
	s.refused(0, Kontra{}, ErrKontraNotAllowed) // the calling team declares
	s.refused(2, Kontra{}, ErrKontraNotAllowed)
	s.refused(2, Re{}, ErrKontraNotAllowed) // no Kontra yet
	if evs := s.do(1, Kontra{}); !reflect.DeepEqual(evs, []Event{KontraGiven{Seat: 1}}) {
		t.Fatalf("kontra gave %v", evs)
	}
	s.refused(3, Kontra{}, ErrKontraNotAllowed) // once per deal
	s.refused(1, Re{}, ErrKontraNotAllowed)     // the defending side
	s.play("AS")
	if evs := s.do(2, Re{}); !reflect.DeepEqual(evs, []Event{ReGiven{Seat: 2}}) {
		t.Fatalf("re gave %v", evs)
	}
	s.refused(0, Re{}, ErrKontraNotAllowed) // once
	if v := s.tbl.View(-1).Bauernschnapsen; v.Kontra != 1 || v.Re != 2 || v.Multiplier != 4 {
		t.Fatalf("view kontra %d re %d multiplier %d", v.Kontra, v.Re, v.Multiplier)
	}
	r := bsResult(t, s.play(strings.TrimPrefix(bsLastTrickPlay, "AS")))
	if r.WinnerTeam != 0 || r.Reason != ReasonLastTrick || r.Value != 1 || r.Multiplier != 4 || r.MatchPoints != 4 {
		t.Fatalf("result %+v, want team 0 last trick 1 × 4", r)
	}
}

// §6: the Kontra window closes for a defender with its first card and for
// everyone with the first trick; Re stays open until the first card of
// trick 2.
func TestBauernKontraAndReWindows(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsLastTrickHands, "D")
	s.auction("- - - -")
	s.play("AS XS")
	s.refused(1, Kontra{}, ErrKontraNotAllowed) // played already
	s.do(3, Kontra{})                           // has not
	s.play("KS QS")
	s.refused(3, Kontra{}, ErrKontraNotAllowed)
	s.refused(1, Kontra{}, ErrKontraNotAllowed)
	s.do(0, Re{}) // trick 2 has no card yet
	if s.b().multiplier() != 4 {
		t.Fatalf("multiplier %d", s.b().multiplier())
	}

	s = bsNew(t, 3)
	s.deal(false, bsLastTrickHands, "D")
	s.auction("- - - -")
	s.do(3, Kontra{})
	s.play("AS XS KS QS | QC")
	s.refused(2, Re{}, ErrKontraNotAllowed)
	s.refused(0, Kontra{}, ErrKontraNotAllowed)
}

// §6: in a special contract the declarer's team declares; the partner who
// sits out may give neither; Kontra and Re apply to every contract.
func TestBauernKontraInSpecialContracts(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsBettelHands, "S")
	s.auction("- bettel - -") // declarer 1, seat 3 sits out
	s.refused(1, Kontra{}, ErrKontraNotAllowed)
	s.refused(3, Kontra{}, ErrKontraNotAllowed)
	s.do(0, Kontra{})
	s.refused(3, Re{}, ErrKontraNotAllowed)
	s.refused(2, Re{}, ErrKontraNotAllowed)
	s.do(1, Re{})
	r := bsResult(t, s.play(bsBettelPlay))
	if r.Game != Bettel || r.WinnerTeam != 1 || r.MatchPoints != 16 || r.Reason != ReasonContractMade {
		t.Fatalf("result %+v, want the bettel made for 4 × 4", r)
	}
}
