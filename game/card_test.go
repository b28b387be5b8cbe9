package game

import (
	"errors"
	"testing"
)

func TestNotationRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		notation Notation
		deck     []Card
		count    int
	}{
		{"schafkopf long deck has 32 cards", SchafkopfNotation, SchafkopfDeck(false), 32},
		{"schafkopf short deck has 24 cards", SchafkopfNotation, SchafkopfDeck(true), 24},
		{"schnapsen deck has 20 cards", SchnapsenNotation, SchnapsenDeck(), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.deck) != tt.count {
				t.Fatalf("deck has %d cards, want %d", len(tt.deck), tt.count)
			}
			seen := map[string]bool{}
			points := 0
			for _, c := range tt.deck {
				code := tt.notation.Format(c)
				if seen[code] {
					t.Fatalf("card %s twice", code)
				}
				seen[code] = true
				back, err := tt.notation.Parse(code)
				if err != nil || back != c {
					t.Fatalf("Parse(%q) = %v, %v; want %v", code, back, err, c)
				}
				points += c.Points()
			}
			if points != 120 {
				t.Fatalf("deck holds %d points, want 120", points)
			}
		})
	}
}

func TestNotationCodes(t *testing.T) {
	tests := []struct {
		name     string
		notation Notation
		code     string
		want     Card
	}{
		{"schafkopf Herz-Zehn", SchafkopfNotation, "XH", Card{Ten, Hearts}},
		{"schafkopf Eichel-Ober is the queen of clubs", SchafkopfNotation, "OE", Card{Queen, Clubs}},
		{"schafkopf Gras-Unter is the jack of spades", SchafkopfNotation, "UG", Card{Jack, Spades}},
		{"schafkopf S is Schellen (diamonds)", SchafkopfNotation, "9S", Card{Nine, Diamonds}},
		{"schnapsen S is spades", SchnapsenNotation, "QS", Card{Queen, Spades}},
		{"schnapsen D is diamonds", SchnapsenNotation, "AD", Card{Ace, Diamonds}},
		{"schnapsen jack of clubs", SchnapsenNotation, "JC", Card{Jack, Clubs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.notation.Parse(tt.code)
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.code, got, err, tt.want)
			}
		})
	}
}

func TestNotationRefusesForeignCodes(t *testing.T) {
	tests := []struct {
		name     string
		notation Notation
		code     string
	}{
		{"lower case", SchnapsenNotation, "xh"},
		{"nine in schnapsen", SchnapsenNotation, "9H"},
		{"schnapsen queen letter in schafkopf", SchafkopfNotation, "QE"},
		{"schnapsen suit in schafkopf", SchafkopfNotation, "AC"},
		{"empty", SchafkopfNotation, ""},
		{"three characters", SchafkopfNotation, "XHH"},
		{"multi-byte rune", SchnapsenNotation, "Ä"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.notation.Parse(tt.code)
			if !errors.Is(err, ErrBadCard) || CodeOf(err) != "badCard" {
				t.Fatalf("Parse(%q) error = %v, want badCard", tt.code, err)
			}
		})
	}
}

func TestShuffleIsDeterministicPerSeed(t *testing.T) {
	a, b, c := SchafkopfDeck(false), SchafkopfDeck(false), SchafkopfDeck(false)
	Shuffle(a, Seed{1})
	Shuffle(b, Seed{1})
	Shuffle(c, Seed{2})
	if !equalCards(a, b) {
		t.Fatal("the same seed gave different orders")
	}
	if equalCards(a, c) {
		t.Fatal("different seeds gave the same order")
	}
	if !isPermutation(a, SchafkopfDeck(false)) {
		t.Fatal("shuffle lost or duplicated a card")
	}
}

func TestIsPermutation(t *testing.T) {
	deck := SchnapsenDeck()
	dup := append([]Card(nil), deck...)
	dup[0] = dup[1]
	tests := []struct {
		name string
		deck []Card
		want bool
	}{
		{"the deck itself", deck, true},
		{"a duplicated card", dup, false},
		{"one card short", deck[1:], false},
		{"a card from another deck", append(append([]Card(nil), deck[1:]...), Card{Nine, Hearts}), false},
		{"no card", append(append([]Card(nil), deck[1:]...), NoCard), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isPermutation(tt.deck, deck); got != tt.want {
				t.Fatalf("isPermutation = %v, want %v", got, tt.want)
			}
		})
	}
}

func equalCards(a, b []Card) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
