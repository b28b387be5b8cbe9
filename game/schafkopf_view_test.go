package game

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// skCheckViews checks that every seat's view holds exactly its own hand,
// that the observer sees no hand, and that no view names a hidden partner.
func skCheckViews(t *testing.T, s *skTable) {
	t.Helper()
	sk := s.sk()
	for seat := -1; seat < 4; seat++ {
		v := s.tbl.View(seat)
		if seat < 0 {
			if v.Hand != nil || v.Legal != nil {
				t.Fatalf("observer sees hand %v legal %v", v.Hand, v.Legal)
			}
		} else if !skSameCards(v.Hand, s.tbl.d.Deal.Hands[seat]) {
			t.Fatalf("seat %d view hand %v, holds %v", seat, v.Hand, s.tbl.d.Deal.Hands[seat])
		}
		// Legal names cards too (the aces the viewer may call); it is
		// checked against the hand elsewhere.
		v.Legal = nil
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for other := 0; other < 4; other++ {
			if other == seat {
				continue
			}
			for _, c := range s.tbl.d.Deal.Hands[other] {
				// A card of another hand may appear only in the viewer's
				// own data, which a hand excludes; check the encoded view.
				if strings.Contains(string(b), cardJSON(c)) && !skVisibleElsewhere(v, c) {
					t.Fatalf("seat %d's view shows %v of seat %d: %s", seat, c, other, b)
				}
			}
		}
		if !sk.PartnerKnown && v.Schafkopf.Partner != -1 {
			t.Fatalf("seat %d sees the hidden partner %d", seat, v.Schafkopf.Partner)
		}
	}
}

func cardJSON(c Card) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// skVisibleElsewhere reports whether c is public in v anyway: the called
// ace of the contract (named, not shown in a hand).
func skVisibleElsewhere(v View, c Card) bool {
	return v.Schafkopf != nil && v.Schafkopf.Ace == c
}

func TestSchafkopfViewsNeverShowAnotherHand(t *testing.T) {
	s := skNew(t, Options{}, 3)
	s.start(skHandsNoDiscard)
	skCheckViews(t, s)
	s.knock(1)
	skCheckViews(t, s)
	s.announce(skSauspiel(t, "AG"), nil, nil, nil)
	for _, c := range skCards(t, skPlayNoDiscard) {
		skCheckViews(t, s)
		if c == skCard(t, "AG") && s.tbl.View(0).Schafkopf.Partner != -1 {
			t.Fatal("partner known before the ace fell")
		}
		s.do(s.tbl.Prompt().Turn, PlayCard{Card: c})
	}
	if v := s.tbl.View(1); v.Playing || v.Schafkopf != nil || v.Hand != nil {
		t.Fatalf("idle view %+v", v)
	}
}

func TestSchafkopfViewIsPublicState(t *testing.T) {
	s := skToNegotiation(t, Options{}, skHandsNoDiscard, 2, 0)
	s.announce(skSauspiel(t, "AG"), nil, nil, nil)
	s.play("OE 8H")
	s.do(2, Kontra{})
	s.play("8G 7H | OG 9H 9G 9S | OH KH KG 8S | OS XH XG 7S | US UE KS 9E | AE KE 8E 7G | XE XS 7E UG | UH AH AS")
	want := &SchafkopfView{
		Knocks: []int{0, 2},
		Calls: []SchafkopfCall{
			{Seat: 0, Game: Sauspiel, Ace: skCard(t, "AG")}, {Seat: 1}, {Seat: 2}, {Seat: 3},
		},
		Game: Sauspiel, Declarer: 0, Ace: skCard(t, "AG"), Partner: -1, Kontra: 2, Re: -1,
		Points: []int{62, 23, 0, 0},
	}
	for seat := -1; seat < 4; seat++ {
		if got := s.tbl.View(seat).Schafkopf; !reflect.DeepEqual(got, want) {
			t.Fatalf("seat %d: %+v\nwant %+v", seat, got, want)
		}
	}
	s.play("AG")
	if s.tbl.Playing() {
		t.Fatal("deal still running")
	}
}

func TestSchafkopfViewLegal(t *testing.T) {
	s := skToPlay(t, Options{}, skHandsSauspiel, skSauspiel(t, "AE"), nil, nil, nil)
	v := s.tbl.View(0)
	if len(v.Legal) != 8 || v.Turn != 0 {
		t.Fatalf("declarer's lead: legal %v", v.Legal)
	}
	if v := s.tbl.View(3); !reflect.DeepEqual(v.Legal, []Command{Kontra{}}) {
		t.Fatalf("defender legal %v", v.Legal)
	}
	if v := s.tbl.View(1); v.Legal != nil {
		t.Fatalf("partner legal %v", v.Legal)
	}
}
