package bot

import "tableraft/game"

// chooseAnnounce picks the highest announcement among the offered ones
// that the hand can carry, or false to pass. The measures are a tavern
// player's rules of thumb, scaled to the hand size (8 cards, 6 short).
func chooseAnnounce(v *game.View, options []game.Announce) (game.Announce, bool) {
	if v.Game == game.KindBauernschnapsen {
		return chooseBauernAnnounce(v, options)
	}
	short := len(v.Hand) < 8
	need := func(long int) int {
		if short {
			return long - 1
		}
		return long
	}
	var best game.Announce
	bestRank := 0
	for _, a := range options {
		rank := 0
		switch a.Game {
		case game.Solo:
			if trumpsFor(v.Hand, a.Suit) >= need(6) && count(v.Hand, game.Queen) >= 2 {
				rank = 3
			}
		case game.Wenz:
			if count(v.Hand, game.Jack) >= 3 && count(v.Hand, game.Ace) >= 2 {
				rank = 2
			}
		case game.Sauspiel:
			if trumpsFor(v.Hand, game.Hearts) >= need(4) {
				rank = 1
			}
		}
		if rank > bestRank {
			best, bestRank = a, rank
		}
	}
	return best, bestRank > 0
}

// trumpsFor counts the cards of hand that are trumps when Obers and Unters
// are trumps and suit is the trump suit (Sauspiel: Hearts).
func trumpsFor(hand []game.Card, suit game.Suit) int {
	n := 0
	for _, c := range hand {
		if c.Rank == game.Queen || c.Rank == game.Jack || c.Suit == suit {
			n++
		}
	}
	return n
}

func count(hand []game.Card, r game.Rank) int {
	n := 0
	for _, c := range hand {
		if c.Rank == r {
			n++
		}
	}
	return n
}
