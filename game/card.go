package game

import (
	"fmt"
	"math/rand/v2"
)

// Suit is one of the four suits. The names are the French ones; each game's
// Notation maps them to its letters (Schafkopf: Clubs=Eichel "E",
// Spades=Gras "G", Hearts=Herz "H", Diamonds=Schellen "S").
type Suit uint8

// The four suits, in the order of the canonical (unshuffled) decks.
const (
	Clubs Suit = iota
	Spades
	Hearts
	Diamonds
)

// NumSuits is the number of suits in every deck.
const NumSuits = 4

// Rank is a card's rank. Queen is the Schafkopf Ober, Jack the Unter.
// The zero Rank is not a rank, so that the zero Card means "no card".
type Rank uint8

// The ranks, high to low in plain-suit strength (Ace beats Ten beats King
// in every game here).
const (
	Ace Rank = iota + 1
	Ten
	King
	Queen
	Jack
	Nine
	Eight
	Seven
)

// Card is a playing card. The zero Card is NoCard.
type Card struct {
	Rank Rank
	Suit Suit
}

// NoCard is the zero Card: the absence of a card (no trump card, an empty
// slot).
var NoCard = Card{}

// Valid reports whether c is a real card (not NoCard, rank in range).
func (c Card) Valid() bool { return c.Rank >= Ace && c.Rank <= Seven && c.Suit < NumSuits }

// Points is the card's point value ("Augen"): A=11, X=10, K=4, Q/O=3,
// J/U=2, 9/8/7=0, the same in every game here.
func (c Card) Points() int { return cardPoints[c.Rank] }

var cardPoints = [...]int{Ace: 11, Ten: 10, King: 4, Queen: 3, Jack: 2, Nine: 0, Eight: 0, Seven: 0}

// String formats the card in a neutral notation for logs and test failures.
// Wire and replay formats use a game's Notation instead.
func (c Card) String() string {
	if !c.Valid() {
		return "--"
	}
	return string([]byte{"?AXKQJ987"[c.Rank], "CSHD"[c.Suit]})
}

// Notation is a game's card alphabet: the rank and suit letters of the
// wire protocol and the rules files. Parsing is case-sensitive.
type Notation struct {
	ranks string // indexed by Rank; '-' marks a rank the game's deck lacks
	suits string // indexed by Suit
}

// The notations of the games.
var (
	// SchafkopfNotation: ranks A X K O U 9 8 7, suits E G H S.
	SchafkopfNotation = Notation{ranks: "-AXKOU987", suits: "EGHS"}
	// SchnapsenNotation (also Bauernschnapsen): ranks A X K Q J, suits H D C S.
	SchnapsenNotation = Notation{ranks: "-AXKQJ---", suits: "CSHD"}
)

// Format writes c in this notation ("XH"). NoCard formats as "".
func (n Notation) Format(c Card) string {
	if !c.Valid() {
		return ""
	}
	return string([]byte{n.ranks[c.Rank], n.suits[c.Suit]})
}

// FormatSuit writes a suit letter in this notation.
func (n Notation) FormatSuit(s Suit) string {
	if s >= NumSuits {
		return ""
	}
	return n.suits[s : s+1]
}

// ParseSuit reads a one-letter suit code.
func (n Notation) ParseSuit(s string) (Suit, error) {
	if len(s) == 1 {
		for i := 0; i < NumSuits; i++ {
			if n.suits[i] == s[0] {
				return Suit(i), nil
			}
		}
	}
	return 0, fmt.Errorf("%w: suit %q", ErrBadCard, s)
}

// Parse reads a two-character card code, rank then suit ("XH"). A rank the
// notation's games do not use (a "9" in Schnapsen) is an error.
func (n Notation) Parse(s string) (Card, error) {
	if len(s) != 2 {
		return NoCard, fmt.Errorf("%w: %q", ErrBadCard, s)
	}
	var c Card
	for r := Ace; r <= Seven; r++ {
		if n.ranks[r] == s[0] {
			c.Rank = r
		}
	}
	suit, err := n.ParseSuit(s[1:])
	if c.Rank == 0 || err != nil {
		return NoCard, fmt.Errorf("%w: %q", ErrBadCard, s)
	}
	c.Suit = suit
	return c, nil
}

// SchafkopfDeck returns the canonical Schafkopf pack: 32 cards, or the
// 24-card short deck (no 8s and 7s) when short is set.
func SchafkopfDeck(short bool) []Card {
	low := Seven
	if short {
		low = Nine
	}
	return makeDeck(low)
}

// SchnapsenDeck returns the canonical 20-card Schnapsen pack (A X K Q J).
func SchnapsenDeck() []Card { return makeDeck(Jack) }

func makeDeck(lowest Rank) []Card {
	deck := make([]Card, 0, NumSuits*int(lowest))
	for s := Suit(0); s < NumSuits; s++ {
		for r := Ace; r <= lowest; r++ {
			deck = append(deck, Card{Rank: r, Suit: s})
		}
	}
	return deck
}

// Seed is the randomness a deal is shuffled from. The leader draws it from
// a CSPRNG and stamps it into the command, so every replica shuffles alike.
type Seed [32]byte

// Shuffle permutes deck in place, Fisher-Yates driven by a ChaCha8 stream
// keyed with seed: the same seed always gives the same order.
func Shuffle(deck []Card, seed Seed) {
	r := rand.New(rand.NewChaCha8(seed))
	r.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
}

// isPermutation reports whether deck holds exactly the cards of want, each
// once (deck injected by a test or a replay file).
func isPermutation(deck, want []Card) bool {
	if len(deck) != len(want) {
		return false
	}
	var seen [NumSuits][Seven + 1]bool
	for _, c := range want {
		seen[c.Suit][c.Rank] = true
	}
	for _, c := range deck {
		if !c.Valid() || !seen[c.Suit][c.Rank] {
			return false
		}
		seen[c.Suit][c.Rank] = false
	}
	return true
}

// removeCard returns hand without the first copy of c. It reuses hand's
// backing array, so callers that must not mutate on refusal call it only
// after every check passed.
func removeCard(hand []Card, c Card) []Card {
	for i, h := range hand {
		if h == c {
			return append(hand[:i], hand[i+1:]...)
		}
	}
	return hand
}

// hasCard reports whether hand holds c.
func hasCard(hand []Card, c Card) bool {
	for _, h := range hand {
		if h == c {
			return true
		}
	}
	return false
}
