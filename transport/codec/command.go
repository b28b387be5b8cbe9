package codec

import (
	"encoding/json"
	"fmt"

	"tableraft/game"
)

// GameCommand is a decoded game command, addressed to Table. It keeps the
// card and suit codes as the client sent them, because their meaning
// depends on the table's game; Resolve turns it into a game.Command. Only
// the fields of its type are set: Card and Marriage for playACard; Game,
// Ace (sauspiel) and Suit (solo) for announce; Suit or Aufschlagen for
// callTrump.
type GameCommand struct {
	Name        string // the wire type, "playACard"
	Seq         int64
	Table       int64
	Card        string
	Marriage    bool
	Game        string
	Ace         string
	Suit        string
	Aufschlagen bool
}

// Type is the command's wire type.
func (c GameCommand) Type() string { return c.Name }

// isCommand reports whether typ is a game command's wire type.
func isCommand(typ string) bool {
	switch typ {
	case "playACard", "knock", "noKnock", "announce", "pass", "kontra", "re",
		"exchangeTrump", "closeTalon", "cut", "callTrump":
		return true
	}
	return false
}

// isContract reports whether name is a contract of some game. Which
// contracts a table accepts is the game's business (badAnnouncement).
func isContract(name string) bool {
	switch game.Contract(name) {
	case game.Sauspiel, game.Wenz, game.Solo, game.NormalGame, game.Bettel,
		game.Schnapser, game.Gang, game.Bauernschnapser, game.Kontraschnapser,
		game.Kontrabauernschnapser:
		return true
	}
	return false
}

// decodeCommand reads the fields of the game command typ (a known command
// type) into c; problems land in o.err.
func decodeCommand(o *object, typ string, c *GameCommand) {
	c.Name = typ
	switch typ {
	case "playACard":
		c.Card = o.needStr("card")
		c.Marriage = o.flag("marriage")
	case "announce":
		c.Game = o.needStr("game")
		ace, suit := o.str("ace"), o.str("suit")
		switch {
		case o.err != nil:
		case !isContract(c.Game):
			o.failf("unknown game %q", c.Game)
		case c.Game == string(game.Sauspiel) && ace == "":
			o.failf("a sauspiel needs the called %q", "ace")
		case c.Game == string(game.Solo) && suit == "":
			o.failf("a solo needs its trump %q", "suit")
		case ace != "" && c.Game != string(game.Sauspiel):
			o.failf("only a sauspiel calls an %q", "ace")
		case suit != "" && c.Game != string(game.Solo):
			o.failf("only a solo names a %q", "suit")
		}
		c.Ace, c.Suit = ace, suit
	case "callTrump":
		c.Suit = o.str("suit")
		c.Aufschlagen = o.flag("aufschlagen")
		if o.err == nil && (c.Suit == "") == !c.Aufschlagen {
			o.failf("callTrump needs either %q or %q", "suit", `"aufschlagen":true`)
		}
	}
}

// Resolve turns the command into a game.Command, reading its card and
// suit codes with the table's notation. A code the game does not have
// gives a *Error with code badCard (and the command's Seq); a GameCommand
// of an unknown type gives badMessage.
func (c GameCommand) Resolve(n game.Notation) (game.Command, error) {
	switch c.Name {
	case "playACard":
		card, err := c.card(n, c.Card)
		return game.PlayCard{Card: card, Marriage: c.Marriage}, err
	case "announce":
		a := game.Announce{Game: game.Contract(c.Game)}
		var err error
		if c.Ace != "" {
			a.Ace, err = c.card(n, c.Ace)
		}
		if c.Suit != "" && err == nil {
			a.Suit, err = c.suit(n)
		}
		return a, err
	case "callTrump":
		ct := game.CallTrump{Aufschlagen: c.Aufschlagen}
		var err error
		if c.Suit != "" {
			ct.Suit, err = c.suit(n)
		}
		return ct, err
	}
	if cmd, ok := game.CommandByName(c.Name); ok {
		return cmd, nil
	}
	return nil, &Error{Code: CodeBadMessage, Message: fmt.Sprintf("unknown command %q", c.Name), Seq: c.Seq}
}

func (c GameCommand) card(n game.Notation, code string) (game.Card, error) {
	card, err := n.Parse(code)
	if err != nil {
		return card, &Error{Code: CodeBadCard, Message: fmt.Sprintf("%q is not a card of this game", code), Seq: c.Seq}
	}
	return card, nil
}

func (c GameCommand) suit(n game.Notation) (game.Suit, error) {
	s, err := n.ParseSuit(c.Suit)
	if err != nil {
		return s, &Error{Code: CodeBadCard, Message: fmt.Sprintf("%q is not a suit of this game", c.Suit), Seq: c.Seq}
	}
	return s, nil
}

// FromCommand is Resolve backwards: the wire form of a game command in
// notation n, without seq and table (bots and tests use it). StartDeal and
// Timeout are no client commands and give an error.
func FromCommand(cmd game.Command, n game.Notation) (GameCommand, error) {
	return fromCommand(cmd, n)
}

// formatter writes cards and suits: a game.Notation, or an *Encoder with
// its cached strings.
type formatter interface {
	Format(game.Card) string
	FormatSuit(game.Suit) string
}

func fromCommand(cmd game.Command, f formatter) (GameCommand, error) {
	c := GameCommand{}
	switch cmd := cmd.(type) {
	case game.PlayCard:
		c.Card, c.Marriage = f.Format(cmd.Card), cmd.Marriage
	case game.Announce:
		c.Game = string(cmd.Game)
		c.Ace, c.Suit = announceCodes(cmd, f)
	case game.CallTrump:
		c.Aufschlagen = cmd.Aufschlagen
		if !cmd.Aufschlagen {
			c.Suit = f.FormatSuit(cmd.Suit)
		}
	case game.Knock, game.NoKnock, game.Pass, game.Kontra, game.Re,
		game.ExchangeTrump, game.CloseTalon, game.Cut:
	default:
		return c, fmt.Errorf("codec: %T is not a client command", cmd)
	}
	c.Name = cmd.Name()
	return c, nil
}

// announceCodes gives the wire codes of an announcement: the called ace of
// a Sauspiel, the trump suit of a Solo. The game's Announce leaves unused
// fields zero, and the zero Suit is a real suit, so the contract decides.
func announceCodes(a game.Announce, f formatter) (ace, trump string) {
	switch a.Game {
	case game.Sauspiel:
		return f.Format(a.Ace), ""
	case game.Solo:
		return "", f.FormatSuit(a.Suit)
	}
	return "", ""
}

// commandWire is the wire form of a game command; empty fields are left
// out, as Decode reads an empty field as an absent one.
type commandWire struct {
	Type        string `json:"type"`
	Seq         int64  `json:"seq,omitempty"`
	Table       int64  `json:"table,omitempty"`
	Card        string `json:"card,omitempty"`
	Marriage    bool   `json:"marriage,omitempty"`
	Game        string `json:"game,omitempty"`
	Ace         string `json:"ace,omitempty"`
	Suit        string `json:"suit,omitempty"`
	Aufschlagen bool   `json:"aufschlagen,omitempty"`
}

func (c GameCommand) wire() commandWire {
	return commandWire{
		Type: c.Name, Seq: c.Seq, Table: c.Table, Card: c.Card, Marriage: c.Marriage,
		Game: c.Game, Ace: c.Ace, Suit: c.Suit, Aufschlagen: c.Aufschlagen,
	}
}

// EncodeCommand writes c as a client sends it (clients written in Go, bots,
// tests). Seq and table are left out when zero.
func EncodeCommand(c GameCommand) []byte { return mustMarshal(c.wire()) }

// mustMarshal encodes a wire struct. Wire structs hold only strings,
// numbers, booleans and slices of them, which always encode.
func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("codec: encoding a wire struct: " + err.Error())
	}
	return b
}
