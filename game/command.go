package game

// Command is a typed player or system action, decoded at the border. A
// command alone is not enough to act: an Action says who sends it and when.
type Command interface {
	// Name is the command's wire type ("playACard"), for logs and errors.
	Name() string
}

// SystemSeat is the seat of commands that no player sends: StartDeal and
// Timeout come from the leader.
const SystemSeat = -1

// Action is a command from a seat at a moment. Now is the leader's clock in
// Unix milliseconds, stamped into the replicated command; the table computes
// every deadline from it and never reads a clock itself.
type Action struct {
	Seat int
	Cmd  Command
	Now  int64
}

// StartDeal starts the next deal at an idle table (SystemSeat). The deck is
// shuffled from Seed, unless Deck is set: then it must be a permutation of
// the game's cards and is dealt as it is (tests, replays).
type StartDeal struct {
	Seed Seed
	Deck []Card
}

// Timeout is a stage timer firing (SystemSeat). Serial names the prompt the
// timer was armed for (Table.Prompt); when the table has moved on, the
// timeout is stale and changes nothing.
type Timeout struct{ Serial int64 }

// PlayCard plays a card. Marriage announces the marriage of the card's suit
// with it (Schnapsen, Bauernschnapsen: the card must be its K or Q).
type PlayCard struct {
	Card     Card
	Marriage bool
}

// Knock doubles the stake during Schafkopf's knock window; in
// Bauernschnapsen it is the cutter's choice to have all five cards dealt at
// once.
type Knock struct{}

// NoKnock answers the Schafkopf knock window without knocking.
type NoKnock struct{}

// Contract names a game that can be announced or played.
type Contract string

// The contracts. The wire names are the protocol's.
const (
	Sauspiel Contract = "sauspiel"
	Wenz     Contract = "wenz"
	Solo     Contract = "solo"

	NormalGame            Contract = "normal"
	Bettel                Contract = "bettel"
	Schnapser             Contract = "schnapser"
	Gang                  Contract = "gang"
	Bauernschnapser       Contract = "bauernschnapser"
	Kontraschnapser       Contract = "kontraschnapser"
	Kontrabauernschnapser Contract = "kontrabauernschnapser"
)

// Announce bids a contract. Ace is the called ace of a Sauspiel; Suit the
// trump suit of a Solo. Unused fields are zero.
type Announce struct {
	Game Contract
	Ace  Card
	Suit Suit
}

// Pass declines to announce.
type Pass struct{}

// Kontra doubles the stake against the declaring side.
type Kontra struct{}

// Re answers a Kontra, doubling again.
type Re struct{}

// ExchangeTrump swaps the jack of trumps for the face-up trump card
// (Schnapsen).
type ExchangeTrump struct{}

// CloseTalon closes the talon (Schnapsen).
type CloseTalon struct{}

// Cut is the Bauernschnapsen cutter's choice to deal 3 + 2.
type Cut struct{}

// CallTrump names the trump suit (Bauernschnapsen forehand), or turns up
// the next card (Aufschlagen).
type CallTrump struct {
	Suit        Suit
	Aufschlagen bool
}

// playCommands holds every PlayCard, plain ([0]) and announcing a marriage
// ([1]), already boxed as a Command, so that Legal, which bots call on every
// move, does not allocate one per card. It is read-only.
var playCommands = func() (cmds [NumSuits][Seven + 1][2]Command) {
	for s := Suit(0); s < NumSuits; s++ {
		for r := Ace; r <= Seven; r++ {
			cmds[s][r][0] = PlayCard{Card: Card{Rank: r, Suit: s}}
			cmds[s][r][1] = PlayCard{Card: Card{Rank: r, Suit: s}, Marriage: true}
		}
	}
	return cmds
}()

// playCommand returns PlayCard{c, marriage} as a Command without
// allocating. c must be a valid card.
func playCommand(c Card, marriage bool) Command {
	m := 0
	if marriage {
		m = 1
	}
	return playCommands[c.Suit][c.Rank][m]
}

// CommandByName returns the command without fields whose wire type is
// name ("knock", "pass", ...), for decoders. False for a command with
// fields (playACard, announce, callTrump) or an unknown name.
func CommandByName(name string) (Command, bool) {
	switch name {
	case "knock":
		return Knock{}, true
	case "noKnock":
		return NoKnock{}, true
	case "pass":
		return Pass{}, true
	case "kontra":
		return Kontra{}, true
	case "re":
		return Re{}, true
	case "exchangeTrump":
		return ExchangeTrump{}, true
	case "closeTalon":
		return CloseTalon{}, true
	case "cut":
		return Cut{}, true
	}
	return nil, false
}

func (StartDeal) Name() string     { return "startDeal" }
func (Timeout) Name() string       { return "timeout" }
func (PlayCard) Name() string      { return "playACard" }
func (Knock) Name() string         { return "knock" }
func (NoKnock) Name() string       { return "noKnock" }
func (Announce) Name() string      { return "announce" }
func (Pass) Name() string          { return "pass" }
func (Kontra) Name() string        { return "kontra" }
func (Re) Name() string            { return "re" }
func (ExchangeTrump) Name() string { return "exchangeTrump" }
func (CloseTalon) Name() string    { return "closeTalon" }
func (Cut) Name() string           { return "cut" }
func (CallTrump) Name() string     { return "callTrump" }
