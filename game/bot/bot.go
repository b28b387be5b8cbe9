// Package bot is the rule bot: it picks a legal action for any seat in any
// stage of every game, from the seat's View alone (so it cannot cheat), with
// a little sense: it takes tricks that carry points when it can, throws off
// cheap cards when it cannot, and announces a game when its hand is strong.
//
// The bot is deterministic: the same view gives the same choice. The server
// plays bot seats with it, tests and the load generator drive deals with it.
package bot

import (
	"tableraft/game"
)

// Choose returns the command the bot sends for the viewer's seat, and false
// when it has nothing it wants to do (not its turn, or only optional moves
// such as Kontra that it declines).
func Choose(v *game.View) (game.Command, bool) {
	if len(v.Legal) == 0 {
		return nil, false
	}
	var (
		cardBuf     [16]game.PlayCard
		announceBuf [8]game.Announce
		cards       = cardBuf[:0]
		announces   = announceBuf[:0]
		optional    game.Command
		must        game.Command
	)
	for _, c := range v.Legal {
		switch c := c.(type) {
		case game.PlayCard:
			cards = append(cards, c)
		case game.Announce:
			announces = append(announces, c)
		case game.Kontra, game.Re:
			optional = c
		case game.ExchangeTrump:
			// Exchanging the jack for the face-up card never hurts.
			return c, true
		case game.Knock, game.NoKnock, game.Pass, game.Cut, game.CallTrump, game.CloseTalon:
			if must == nil {
				must = c
			}
		}
	}
	// A Bauernschnapsen player doubles before its own first card, as the
	// window demands (the driver asks the seat to act first, and it always
	// has a card to play).
	if optional != nil && v.Game == game.KindBauernschnapsen && bauernDouble(v, optional) {
		return optional, true
	}
	switch {
	case len(cards) > 0:
		return chooseCard(v, cards), true
	case len(announces) > 0:
		if a, ok := chooseAnnounce(v, announces); ok {
			return a, true
		}
		return game.Pass{}, true
	}
	if _, ok := optional.(game.Kontra); ok && strongAgainst(v) {
		return optional, true
	}
	if must != nil {
		return chooseStageAction(v), true
	}
	return nil, false
}

// chooseStageAction answers the windows that take one of a few fixed
// commands (knock window, cut window, trump call).
func chooseStageAction(v *game.View) game.Command {
	if v.Game == game.KindBauernschnapsen {
		return chooseBauernStage(v)
	}
	var fallback game.Command
	for _, c := range v.Legal {
		switch c.(type) {
		case game.Knock:
			if v.Game == game.KindSchafkopf && countHigh(v.Hand) >= 3 {
				return c
			}
		case game.NoKnock, game.Cut:
			fallback = c
		case game.CloseTalon, game.Kontra, game.Re:
			// Optional moves: never chosen as a fallback.
		default:
			if fallback == nil {
				fallback = c
			}
		}
	}
	if fallback == nil {
		return v.Legal[0]
	}
	return fallback
}

// chooseCard plays the cheapest card that wins the trick when the trick is
// worth taking, else the cheapest card; leading, it leads its best plain
// ace, else its cheapest card. A marriage is announced whenever it can be.
func chooseCard(v *game.View, cards []game.PlayCard) game.PlayCard {
	for _, c := range cards {
		if c.Marriage {
			return c
		}
	}
	if len(v.Trick) == 0 {
		for _, c := range cards {
			if c.Card.Rank == game.Ace && !v.IsTrump(c.Card) {
				return c
			}
		}
		return cheapest(v, cards)
	}
	worth := 0
	for _, p := range v.Trick {
		worth += p.Card.Points()
	}
	if worth >= 10 || lastToPlay(v) {
		best, found := game.PlayCard{}, false
		trick := append(make([]game.Played, 0, len(v.Trick)+1), v.Trick...)
		for _, c := range cards {
			trick = append(trick[:len(v.Trick)], game.Played{Seat: v.Seat, Card: c.Card})
			if v.TrickWinner(trick) == len(v.Trick) && (!found || cost(v, c.Card) < cost(v, best.Card)) {
				best, found = c, true
			}
		}
		if found {
			return best
		}
	}
	return cheapest(v, cards)
}

// lastToPlay reports whether the viewer completes the trick (of three
// cards when a Bauernschnapsen partner sits out).
func lastToPlay(v *game.View) bool {
	return len(v.Trick) == v.TrickSize-1
}

// cost orders cards by what it costs to give them away: points first,
// trumps dearer than plain cards of the same points.
func cost(v *game.View, c game.Card) int {
	k := c.Points()*10 + int(game.Seven-c.Rank)
	if v.IsTrump(c) {
		k += 200
	}
	return k
}

func cheapest(v *game.View, cards []game.PlayCard) game.PlayCard {
	best := cards[0]
	for _, c := range cards[1:] {
		if cost(v, c.Card) < cost(v, best.Card) {
			best = c
		}
	}
	return best
}

// countHigh counts Obers and Unters: the Schafkopf bot's measure of a
// strong first packet.
func countHigh(hand []game.Card) int {
	n := 0
	for _, c := range hand {
		if c.Rank == game.Queen || c.Rank == game.Jack {
			n++
		}
	}
	return n
}

// strongAgainst decides Kontra: a defender with four or more Obers and
// Unters doubles.
func strongAgainst(v *game.View) bool {
	return countHigh(v.Hand) >= 4
}
