package bot

import "tableraft/game"

// chooseBauernStage answers Bauernschnapsen's windows: the cutter knocks
// on every other deal (it has seen no card, so there is nothing to judge;
// varying keeps both ways of dealing in play), forehand calls its longest
// suit (the most points among equally long ones) and turns up the next
// card instead when its three cards are three weak singletons.
func chooseBauernStage(v *game.View) game.Command {
	var (
		cut, knock, aufschlagen game.Command
		call                    game.CallTrump
		called                  bool
	)
	for _, c := range v.Legal {
		switch c := c.(type) {
		case game.Cut:
			cut = c
		case game.Knock:
			knock = c
		case game.CallTrump:
			switch {
			case c.Aufschlagen:
				aufschlagen = c
			case !called || suitStrength(v.Hand, c.Suit) > suitStrength(v.Hand, call.Suit):
				call, called = c, true
			}
		case game.Pass:
			return c
		}
	}
	switch {
	case knock != nil && cut != nil && v.DealNo%2 == 0:
		return knock
	case cut != nil:
		return cut
	case called && aufschlagen != nil && suitCount(v.Hand, call.Suit) == 1 && countPoints(v.Hand, 10) == 0:
		return aufschlagen
	case called:
		return call
	}
	return v.Legal[0]
}

// chooseBauernAnnounce announces a Schnapser with three trumps headed by
// ace and ten and one more ace or trump, and passes otherwise: the other
// contracts need hands the bot cannot judge.
func chooseBauernAnnounce(v *game.View, options []game.Announce) (game.Announce, bool) {
	b := v.Bauernschnapsen
	if b == nil || !b.TrumpCalled {
		return game.Announce{}, false
	}
	trumps := suitCount(v.Hand, b.Trump)
	marriage := holds(v.Hand, game.Card{Rank: game.King, Suit: b.Trump}) &&
		holds(v.Hand, game.Card{Rank: game.Queen, Suit: b.Trump})
	strong := trumps >= 3 && holds(v.Hand, game.Card{Rank: game.Ace, Suit: b.Trump}) &&
		holds(v.Hand, game.Card{Rank: game.Ten, Suit: b.Trump}) &&
		(marriage && trumps >= 4 || count(v.Hand, game.Ace) >= 3)
	for _, a := range options {
		if a.Game == game.Schnapser && strong {
			return a, true
		}
	}
	return game.Announce{}, false
}

// bauernDouble decides whether to give Kontra or Re (cmd): a defender
// with two trumps including the ace gives Kontra; the declaring side
// answers with Re holding three trumps. Without trumps (Bettel, Gang) the
// bot never doubles.
func bauernDouble(v *game.View, cmd game.Command) bool {
	b := v.Bauernschnapsen
	if b == nil || !b.TrumpCalled || b.NoTrump {
		return false
	}
	trumps := suitCount(v.Hand, b.Trump)
	if _, ok := cmd.(game.Re); ok {
		return trumps >= 3
	}
	return trumps >= 2 && holds(v.Hand, game.Card{Rank: game.Ace, Suit: b.Trump})
}

// suitStrength orders suits for the trump call: length first, then points.
func suitStrength(hand []game.Card, s game.Suit) int {
	n := 0
	for _, c := range hand {
		if c.Suit == s {
			n += 100 + c.Points()
		}
	}
	return n
}

func suitCount(hand []game.Card, s game.Suit) int {
	n := 0
	for _, c := range hand {
		if c.Suit == s {
			n++
		}
	}
	return n
}

// countPoints counts the cards worth at least min points.
func countPoints(hand []game.Card, min int) int {
	n := 0
	for _, c := range hand {
		if c.Points() >= min {
			n++
		}
	}
	return n
}

func holds(hand []game.Card, c game.Card) bool {
	for _, h := range hand {
		if h == c {
			return true
		}
	}
	return false
}
