package autoplay

import (
	"math/rand/v2"
	"sync"

	"tableraft/transport/client"
	"tableraft/transport/codec"
)

// Strategy is how the bots answer the server, shared by Player and the
// load generator (cmd/tablebench): it learns the player's seat at each
// table from tableState and playerJoined and answers every prompt for that
// seat from the prompt alone: windows declined, an announcement now and
// then, a random legal card. Optional moves (Kontra, closing the talon)
// are left alone. Safe for concurrent use; one seeded source makes a
// player's choices repeatable.
type Strategy struct {
	player       string
	announceRate float64

	mu   sync.Mutex
	rng  *rand.Rand
	seat map[int64]int
}

// NewStrategy plays for player, announcing the first option offered with
// probability announceRate (Schafkopf), with choices drawn from rng.
func NewStrategy(player string, announceRate float64, rng *rand.Rand) *Strategy {
	return &Strategy{player: player, announceRate: announceRate, rng: rng, seat: map[int64]int{}}
}

// legalWire is one entry of a legal list (tableState) in the client's
// form.
type legalWire struct {
	Type     string `json:"type"`
	Card     string `json:"card"`
	Marriage bool   `json:"marriage"`
	Game     string `json:"game"`
	Ace      string `json:"ace"`
	Suit     string `json:"suit"`
}

// promptWire is a prompt (mustKnock, mustAnnounce, mustPlayCard).
type promptWire struct {
	Seat    *int        `json:"seat"`
	Legal   []string    `json:"legal"`
	Options []legalWire `json:"options"`
}

// Answer notes what m says about the player's seats and returns the move
// m asks of the player, if any.
func (s *Strategy) Answer(m client.Message) (codec.GameCommand, bool) {
	switch m.Type {
	case "tableState":
		var st struct {
			Seat  *int        `json:"seat"`
			Legal []legalWire `json:"legal"`
		}
		if m.Decode(&st) != nil {
			return codec.GameCommand{}, false
		}
		if st.Seat != nil {
			s.mu.Lock()
			s.seat[m.Table] = *st.Seat
			s.mu.Unlock()
		}
		return s.choose(st.Legal)
	case "playerJoined":
		var e struct {
			Seat   int    `json:"seat"`
			Player string `json:"player"`
		}
		if m.Decode(&e) == nil && e.Player == s.player {
			s.mu.Lock()
			s.seat[m.Table] = e.Seat
			s.mu.Unlock()
		}
	case "mustKnock":
		var pr promptWire
		if m.Decode(&pr) == nil && (pr.Seat == nil || s.Mine(m.Table, *pr.Seat)) {
			return codec.GameCommand{Name: "noKnock"}, true
		}
	case "mustPlayCard", "mustAnnounce":
		var pr promptWire
		if m.Decode(&pr) != nil || pr.Seat == nil || !s.Mine(m.Table, *pr.Seat) {
			return codec.GameCommand{}, false
		}
		if m.Type == "mustAnnounce" {
			if len(pr.Options) > 0 && s.Chance(s.announceRate) {
				o := pr.Options[0]
				return codec.GameCommand{Name: "announce", Game: o.Game, Ace: o.Ace, Suit: o.Suit}, true
			}
			return codec.GameCommand{Name: "pass"}, true
		}
		if len(pr.Legal) > 0 {
			return codec.GameCommand{Name: "playACard", Card: pr.Legal[s.pick(len(pr.Legal))]}, true
		}
	}
	return codec.GameCommand{}, false
}

// Mine reports whether seat at table is the player's.
func (s *Strategy) Mine(table int64, seat int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.seat[table]
	return ok && v == seat
}

// Chance reports true with probability q, drawn from the player's source.
func (s *Strategy) Chance(q float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < q
}

// choose picks a move from a tableState's legal list: answer a window
// (noKnock, pass, cut), else play a card (not one that announces a
// marriage).
func (s *Strategy) choose(legal []legalWire) (codec.GameCommand, bool) {
	var cards []legalWire
	for _, l := range legal {
		switch l.Type {
		case "noKnock", "pass", "cut":
			return codec.GameCommand{Name: l.Type}, true
		case "playACard":
			if !l.Marriage {
				cards = append(cards, l)
			}
		}
	}
	if len(cards) == 0 {
		return codec.GameCommand{}, false
	}
	return codec.GameCommand{Name: "playACard", Card: cards[s.pick(len(cards))].Card}, true
}

func (s *Strategy) pick(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.IntN(n)
}
