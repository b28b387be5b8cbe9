package codec

import (
	"fmt"

	"tableraft/game"
)

// eventHeader starts every table event. Table is left out when 0 (replays
// have no table id).
type eventHeader struct {
	Type  string `json:"type"`
	Table int64  `json:"table,omitempty"`
	Event int64  `json:"event"`
}

type gameStartedWire struct {
	eventHeader
	Deal      int    `json:"deal"`
	Dealer    int    `json:"dealer"`
	TrumpCard string `json:"trumpCard,omitempty"`
}

// cardsWire is cardsDealt and cardsDrawn: the cards, or for a seat that
// may not see them only their count.
type cardsWire struct {
	eventHeader
	Seat  int      `json:"seat"`
	Cards []string `json:"cards,omitempty"`
	Count int      `json:"count,omitempty"`
}

// seatWire is every event that only names a seat.
type seatWire struct {
	eventHeader
	Seat int `json:"seat"`
}

type mustKnockWire struct {
	eventHeader
	Deadline string `json:"deadline,omitempty"`
}

type announceWire struct {
	Game string `json:"game"`
	Ace  string `json:"ace,omitempty"`
	Suit string `json:"suit,omitempty"`
}

type mustAnnounceWire struct {
	eventHeader
	Seat     int            `json:"seat"`
	Deadline string         `json:"deadline,omitempty"`
	Options  []announceWire `json:"options,omitempty"`
}

type announcedWire struct {
	eventHeader
	Seat int `json:"seat"`
	announceWire
}

type mustPlayCardWire struct {
	eventHeader
	Seat        int      `json:"seat"`
	Deadline    string   `json:"deadline,omitempty"`
	Legal       []string `json:"legal,omitempty"`
	Marriages   []string `json:"marriages,omitempty"`
	CanExchange bool     `json:"canExchange,omitempty"`
	CanClose    bool     `json:"canClose,omitempty"`
}

type cardPlayedWire struct {
	eventHeader
	Seat int    `json:"seat"`
	Card string `json:"card"`
}

type trickTakenWire struct {
	eventHeader
	Seat   int `json:"seat"`
	Points int `json:"points"`
}

type marriageWire struct {
	eventHeader
	Seat    int    `json:"seat"`
	Suit    string `json:"suit"`
	Points  int    `json:"points"`
	Pending bool   `json:"pending,omitempty"`
}

type trumpExchangedWire struct {
	eventHeader
	Seat int    `json:"seat"`
	Took string `json:"took,omitempty"`
	Gave string `json:"gave,omitempty"`
}

type schafkopfThrownInWire struct {
	eventHeader
	ThrownIn bool  `json:"thrownIn"`
	Payouts  []int `json:"payouts"`
	Balances []int `json:"balances,omitempty"`
}

type schafkopfResultWire struct {
	eventHeader
	Game         string  `json:"game"`
	Declarer     int     `json:"declarer"`
	Partner      optSeat `json:"partner,omitzero"`
	DeclarersWin bool    `json:"declarersWin"`
	Points       []int   `json:"points"`
	Schneider    bool    `json:"schneider"`
	Schwarz      bool    `json:"schwarz"`
	Laufende     int     `json:"laufende"`
	Multiplier   int     `json:"multiplier"`
	Value        int     `json:"value"`
	Payouts      []int   `json:"payouts"`
	Knocks       int     `json:"knocks"`
	Balances     []int   `json:"balances,omitempty"`
}

type schnapsenResultWire struct {
	eventHeader
	Winner       int     `json:"winner"`
	GamePoints   int     `json:"gamePoints"`
	Scores       []int   `json:"scores"`
	Reason       string  `json:"reason"`
	Totals       []int   `json:"totals,omitempty"`
	BummerlLoser optSeat `json:"bummerlLoser,omitzero"`
	Bummerl      int     `json:"bummerl,omitempty"`
	Bummerls     []int   `json:"bummerls,omitempty"`
}

type mustCutWire struct {
	eventHeader
	Seat     int    `json:"seat"`
	Deadline string `json:"deadline,omitempty"`
}

type mustCallTrumpWire struct {
	eventHeader
	Seat        int      `json:"seat"`
	Deadline    string   `json:"deadline,omitempty"`
	Suits       []string `json:"suits,omitempty"`
	Aufschlagen bool     `json:"aufschlagen,omitempty"`
}

type trumpCalledWire struct {
	eventHeader
	Seat        int    `json:"seat"`
	Suit        string `json:"suit"`
	Aufschlagen bool   `json:"aufschlagen,omitempty"`
	Card        string `json:"card,omitempty"`
}

// bauernschnapsenResultWire is Bauernschnapsen's dealResult. Teams are 0
// (seats 0 and 2) and 1 (seats 1 and 3); declarer is left out in the
// normal game, trump in Bettel and Gang, matchWinner while the match goes
// on.
type bauernschnapsenResultWire struct {
	eventHeader
	Game            string  `json:"game"`
	Declarer        optSeat `json:"declarer,omitzero"`
	Trump           string  `json:"trump,omitempty"`
	WinnerTeam      int     `json:"winnerTeam"`
	MatchPoints     int     `json:"matchPoints"`
	Value           int     `json:"value"`
	Multiplier      int     `json:"multiplier"`
	Reason          string  `json:"reason"`
	Scores          []int   `json:"scores"`
	Tricks          []int   `json:"tricks"`
	Totals          []int   `json:"totals"`
	MatchWinner     optSeat `json:"matchWinner,omitzero"`
	Bummerl         int     `json:"bummerl,omitempty"`
	Schneider       bool    `json:"schneider,omitempty"`
	Retourschneider bool    `json:"retourschneider,omitempty"`
	Bummerls        []int   `json:"bummerls,omitempty"`
}

// Event writes game event ev as table event number no of table (0 leaves
// the table out). It encodes ev exactly as given: the caller passes the
// form the receiving seat may see (game.VisibleTo). An event type the
// codec does not know is an error.
func (e *Encoder) Event(table, no int64, ev game.Event) ([]byte, error) {
	if ev == nil {
		return nil, fmt.Errorf("codec: nil event")
	}
	h := eventHeader{Type: ev.Type(), Table: table, Event: no}
	var w any
	switch ev := ev.(type) {
	case game.GameStarted:
		w = &gameStartedWire{h, ev.Deal, ev.Dealer, e.Format(ev.TrumpCard)}
	case game.CardsDealt:
		w = e.cardsEvent(h, ev.Seat, ev.Cards, ev.Count)
	case game.CardsDrawn:
		w = e.cardsEvent(h, ev.Seat, ev.Cards, ev.Count)
	case game.MustKnock:
		w = &mustKnockWire{h, deadline(ev.Deadline)}
	case game.Knocked:
		w = &seatWire{h, ev.Seat}
	case game.Passed:
		w = &seatWire{h, ev.Seat}
	case game.KontraGiven:
		w = &seatWire{h, ev.Seat}
	case game.ReGiven:
		w = &seatWire{h, ev.Seat}
	case game.TalonClosed:
		w = &seatWire{h, ev.Seat}
	case game.CutChosen:
		w = &seatWire{h, ev.Seat}
	case game.MustCut:
		w = &mustCutWire{h, ev.Seat, deadline(ev.Deadline)}
	case game.MustCallTrump:
		mw := &mustCallTrumpWire{eventHeader: h, Seat: ev.Seat, Deadline: deadline(ev.Deadline), Aufschlagen: ev.Aufschlagen}
		if len(ev.Suits) > 0 {
			mw.Suits = make([]string, len(ev.Suits))
			for i, s := range ev.Suits {
				mw.Suits[i] = e.FormatSuit(s)
			}
		}
		w = mw
	case game.TrumpCalled:
		w = &trumpCalledWire{h, ev.Seat, e.FormatSuit(ev.Suit), ev.Aufschlagen, e.Format(ev.Card)}
	case game.MustAnnounce:
		mw := &mustAnnounceWire{eventHeader: h, Seat: ev.Seat, Deadline: deadline(ev.Deadline)}
		if len(ev.Options) > 0 {
			mw.Options = make([]announceWire, len(ev.Options))
			for i, a := range ev.Options {
				mw.Options[i] = e.announce(a)
			}
		}
		w = mw
	case game.Announced:
		w = &announcedWire{h, ev.Seat, e.announce(game.Announce{Game: ev.Game, Ace: ev.Ace, Suit: ev.Suit})}
	case game.MustPlayCard:
		mw := &mustPlayCardWire{
			eventHeader: h, Seat: ev.Seat, Deadline: deadline(ev.Deadline),
			Legal: e.formatCards(ev.Legal), CanExchange: ev.CanExchange, CanClose: ev.CanClose,
		}
		if len(ev.Marriages) > 0 {
			mw.Marriages = make([]string, len(ev.Marriages))
			for i, s := range ev.Marriages {
				mw.Marriages[i] = e.FormatSuit(s)
			}
		}
		w = mw
	case game.CardPlayed:
		w = &cardPlayedWire{h, ev.Seat, e.Format(ev.Card)}
	case game.TrickTaken:
		w = &trickTakenWire{h, ev.Seat, ev.Points}
	case game.MarriageAnnounced:
		w = &marriageWire{h, ev.Seat, e.FormatSuit(ev.Suit), ev.Points, ev.Pending}
	case game.TrumpExchanged:
		w = &trumpExchangedWire{h, ev.Seat, e.Format(ev.Took), e.Format(ev.Gave)}
	case game.SchafkopfResult:
		w = schafkopfResult(h, &ev)
	case game.SchnapsenResult:
		w = &schnapsenResultWire{
			eventHeader: h, Winner: ev.Winner, GamePoints: ev.GamePoints, Scores: ev.Scores,
			Reason: ev.Reason, Totals: ev.Totals, BummerlLoser: optSeat(ev.BummerlLoser),
			Bummerl: ev.Bummerl, Bummerls: ev.Bummerls,
		}
	case game.BauernschnapsenResult:
		w = bauernschnapsenResult(e, h, &ev)
	default:
		return nil, fmt.Errorf("codec: unknown event %T (%q)", ev, ev.Type())
	}
	return mustMarshal(w), nil
}

// cardsEvent encodes a private deal or draw: the cards when the event carries
// them, else (the redacted form) their count.
func (e *Encoder) cardsEvent(h eventHeader, seat int, cards []game.Card, count int) *cardsWire {
	if len(cards) > 0 {
		return &cardsWire{eventHeader: h, Seat: seat, Cards: e.formatCards(cards)}
	}
	return &cardsWire{eventHeader: h, Seat: seat, Count: count}
}

func (e *Encoder) announce(a game.Announce) announceWire {
	ace, suit := announceCodes(a, e)
	return announceWire{Game: string(a.Game), Ace: ace, Suit: suit}
}

func schafkopfResult(h eventHeader, r *game.SchafkopfResult) any {
	if r.ThrownIn {
		return &schafkopfThrownInWire{h, true, r.Payouts, r.Balances}
	}
	return &schafkopfResultWire{
		eventHeader: h, Game: string(r.Game), Declarer: r.Declarer, Partner: optSeat(r.Partner),
		DeclarersWin: r.DeclarersWin, Points: r.Points, Schneider: r.Schneider, Schwarz: r.Schwarz,
		Laufende: r.Laufende, Multiplier: r.Multiplier, Value: r.Value, Payouts: r.Payouts,
		Knocks: r.Knocks, Balances: r.Balances,
	}
}

func bauernschnapsenResult(e *Encoder, h eventHeader, r *game.BauernschnapsenResult) any {
	w := &bauernschnapsenResultWire{
		eventHeader: h, Game: string(r.Game), Declarer: optSeat(r.Declarer), WinnerTeam: r.WinnerTeam,
		MatchPoints: r.MatchPoints, Value: r.Value, Multiplier: r.Multiplier, Reason: r.Reason,
		Scores: r.Scores, Tricks: r.Tricks, Totals: r.Totals, MatchWinner: optSeat(r.MatchWinner),
		Bummerl: r.Bummerl, Schneider: r.Schneider, Retourschneider: r.Retourschneider, Bummerls: r.Bummerls,
	}
	if !r.NoTrump {
		w.Trump = e.FormatSuit(r.Trump)
	}
	return w
}
