package game

import (
	"reflect"
	"testing"
)

// bsAuction deals bsLastTrickHands after a cut, forehand calls diamonds,
// and the auction is open.
func bsAuction(t *testing.T) *bsTable {
	t.Helper()
	s := bsNew(t, 3)
	s.deal(false, bsLastTrickHands, "D")
	return s
}

// §4: F speaks first, then clockwise; all four passing gives the normal
// game, led by forehand.
func TestBauernAuctionAllPassIsTheNormalGame(t *testing.T) {
	s := bsAuction(t)
	var turns []int
	for i := 0; i < 4; i++ {
		turns = append(turns, s.tbl.Prompt().Turn)
		s.auction("-")
	}
	if !reflect.DeepEqual(turns, []int{0, 1, 2, 3}) {
		t.Fatalf("speakers %v, want 0 1 2 3", turns)
	}
	b := s.b()
	if b.Contract != NormalGame || b.Declarer != -1 || b.SittingOut != -1 || s.tbl.StageName() != "play" || s.tbl.Prompt().Turn != 0 {
		t.Fatalf("contract %q declarer %d out %d, stage %s turn %d", b.Contract, b.Declarer, b.SittingOut, s.tbl.StageName(), s.tbl.Prompt().Turn)
	}
}

// §4, DECIDED 4: a pass eliminates; the auction goes round until every
// seat but the last announcer has passed; the ladder decides outbidding,
// Bauernschnapser (12) ranking below Kontraschnapser (12).
func TestBauernAuctionLadderAndElimination(t *testing.T) {
	s := bsAuction(t)
	steps := []struct {
		seat int
		call string
	}{
		{0, "bettel"}, {1, "gang"}, {2, "-"}, {3, "-"},
		{0, "bauernschnapser"}, {1, "kontraschnapser"},
		// seats 2 and 3 passed: forehand speaks next, then seat 1 would
		{0, "-"},
	}
	for i, st := range steps {
		if turn := s.tbl.Prompt().Turn; turn != st.seat {
			t.Fatalf("step %d: seat %d to speak, want %d", i, turn, st.seat)
		}
		if i == 6 {
			s.refused(0, Announce{Game: Bauernschnapser}, ErrAnnouncementTooLow) // tie order
			s.refused(2, Pass{}, ErrNotYourTurn)                                 // passed already
			s.refused(2, Announce{Game: Kontrabauernschnapser}, ErrNotYourTurn)
		}
		s.auction(st.call)
	}
	b := s.b()
	if b.Contract != Kontraschnapser || b.Declarer != 1 || b.SittingOut != 3 || s.tbl.StageName() != "play" {
		t.Fatalf("contract %q declarer %d out %d stage %s", b.Contract, b.Declarer, b.SittingOut, s.tbl.StageName())
	}
	want := []BauernschnapsenCall{{0, Bettel}, {1, Gang}, {2, ""}, {3, ""}, {0, Bauernschnapser}, {1, Kontraschnapser}, {0, ""}}
	if !reflect.DeepEqual(b.Calls, want) {
		t.Fatalf("calls %v, want %v", b.Calls, want)
	}
}

// §4: the last announcer wins once all others passed, even when they
// passed before the announcement.
func TestBauernAuctionEndsWhenOthersPassed(t *testing.T) {
	tests := []struct {
		name     string
		calls    string
		game     Contract
		declarer int
	}{
		{"announced last", "- - - bettel", Bettel, 3},
		{"announced first", "schnapser - - -", Schnapser, 0},
		{"outbid once", "- bettel gang - -", Gang, 2},
		{"outbid, the first announcer passes", "bettel gang - - -", Gang, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bsAuction(t)
			s.auction(tt.calls)
			if b := s.b(); b.Contract != tt.game || b.Declarer != tt.declarer || s.tbl.StageName() != "play" {
				t.Fatalf("contract %q by %d in stage %s, want %q by %d in play", b.Contract, b.Declarer, s.tbl.StageName(), tt.game, tt.declarer)
			}
		})
	}
}

// §5, DECIDED 5: eligibility. Bettel and Gang anyone, Schnapser and
// Bauernschnapser forehand only, the Kontra contracts the non-calling
// team only; the normal game and other games' contracts are no
// announcements.
func TestBauernAuctionEligibility(t *testing.T) {
	tests := []struct {
		game Contract
		ok   [4]bool // by seat; forehand is 0, the calling team 0 and 2
	}{
		{Bettel, [4]bool{true, true, true, true}},
		{Schnapser, [4]bool{true, false, false, false}},
		{Gang, [4]bool{true, true, true, true}},
		{Bauernschnapser, [4]bool{true, false, false, false}},
		{Kontraschnapser, [4]bool{false, true, false, true}},
		{Kontrabauernschnapser, [4]bool{false, true, false, true}},
		{NormalGame, [4]bool{}},
		{Sauspiel, [4]bool{}},
		{"", [4]bool{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.game), func(t *testing.T) {
			s := bsAuction(t)
			for seat := 0; seat < 4; seat++ {
				if seat > 0 {
					s.auction("-")
				}
				offered := false
				for _, c := range s.tbl.Legal(seat) {
					offered = offered || c == Command(Announce{Game: tt.game})
				}
				if offered != tt.ok[seat] {
					t.Fatalf("seat %d: %s offered %v, want %v", seat, tt.game, offered, tt.ok[seat])
				}
				if !tt.ok[seat] {
					s.refused(seat, Announce{Game: tt.game}, ErrBadAnnouncement)
				}
			}
		})
	}
}

// §4: announcements must be strictly higher; out of turn is refused; the
// prompt lists exactly the eligible higher contracts, to the speaker only.
func TestBauernAuctionRefusalsAndOptions(t *testing.T) {
	s := bsAuction(t)
	s.refused(1, Announce{Game: Bettel}, ErrNotYourTurn)
	s.refused(1, Pass{}, ErrNotYourTurn)
	s.refused(0, PlayCard{Card: schnapsenCard(t, "AS")}, ErrWrongStage)
	s.refused(0, Kontra{}, ErrWrongStage)
	evs := s.auction("gang")
	prompt, _ := schnapsenLastEvent[MustAnnounce](evs)
	want := []Announce{{Game: Kontraschnapser}, {Game: Kontrabauernschnapser}}
	if prompt.Seat != 1 || !reflect.DeepEqual(prompt.Options, want) {
		t.Fatalf("prompt %+v, want seat 1 with %v", prompt, want)
	}
	if got := VisibleTo(prompt, 0).(MustAnnounce); got.Options != nil {
		t.Fatalf("seat 0 sees seat 1's options %v", got.Options)
	}
	if got := s.tbl.Legal(1); !reflect.DeepEqual(got, []Command{Pass{}, Announce{Game: Kontraschnapser}, Announce{Game: Kontrabauernschnapser}}) {
		t.Fatalf("legal %v", got)
	}
	s.refused(1, Announce{Game: Gang}, ErrAnnouncementTooLow)
	s.refused(1, Announce{Game: Bettel}, ErrAnnouncementTooLow)
	s.refused(1, Announce{Game: Schnapser}, ErrAnnouncementTooLow)
	if evs := s.timeout(); len(evs) != 0 || s.tbl.Prompt().Turn != 1 {
		t.Fatalf("a passed deadline did %v", evs)
	}
}

// §5, DECIDED 6: the declarer's partner sits out: their cards are set
// aside, in no hand and no view, and tricks have three cards, the turn
// skipping the partner.
func TestBauernPartnerSitsOut(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsBettelHands, "S")
	set := schnapsenCards(t, bsBettelHands[3])
	s.auction("- bettel - -")
	b := s.b()
	if b.SittingOut != 3 || len(s.hand(3)) != 0 || !reflect.DeepEqual(b.SetAside, set) {
		t.Fatalf("out %d, hand %v, set aside %v", b.SittingOut, s.hand(3), b.SetAside)
	}
	for seat := -1; seat < 4; seat++ {
		v := s.tbl.View(seat)
		if c, ok := findSecret(v, set); ok {
			t.Fatalf("seat %d's view shows the set-aside %v", seat, c)
		}
		if v.TrickSize != 3 || v.Bauernschnapsen.SittingOut != 3 {
			t.Fatalf("seat %d: trick size %d, sitting out %d", seat, v.TrickSize, v.Bauernschnapsen.SittingOut)
		}
	}
	if legal := s.tbl.Legal(3); len(legal) != 0 {
		t.Fatalf("the partner who sits out may %v", legal)
	}
	var seats []int
	for _, e := range s.play("JS QS KS") {
		if p, ok := e.(CardPlayed); ok {
			seats = append(seats, p.Seat)
		}
	}
	if !reflect.DeepEqual(seats, []int{1, 2, 0}) || s.tbl.d.Deal.TrickNo != 1 {
		t.Fatalf("played by %v (tricks %d), want 1 2 0 in one trick", seats, s.tbl.d.Deal.TrickNo)
	}
	s.refused(3, PlayCard{Card: set[0]}, ErrNotYourTurn)
}

// findSecret reports a card of set that v holds anywhere (a view, an
// event), walking its exported fields.
func findSecret(v any, set []Card) (Card, bool) {
	var found Card
	ok := false
	var walk func(x reflect.Value)
	walk = func(x reflect.Value) {
		if ok {
			return
		}
		switch x.Kind() {
		case reflect.Interface, reflect.Pointer:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Struct:
			if c, isCard := x.Interface().(Card); isCard {
				if hasCard(set, c) {
					found, ok = c, true
				}
				return
			}
			for i := 0; i < x.NumField(); i++ {
				if x.Type().Field(i).IsExported() {
					walk(x.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
	return found, ok
}
