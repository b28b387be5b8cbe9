package game

// Event is something that happened at a table, produced by Table.Handle.
// Events hold everything that happened, unredacted; VisibleTo gives the
// form a seat may receive.
type Event interface {
	// Type is the event's wire type ("cardPlayed").
	Type() string
}

// Redactor is implemented by events that some seats may receive only in
// part (a private deal, a prompt whose legal moves are for the acting seat
// only). RedactFor returns the form that seat receives; it must not modify
// the receiver.
type Redactor interface {
	RedactFor(seat int) Event
}

// VisibleTo returns the form of e that seat may receive. Spectators and
// other observers pass a seat of -1 and get the public form. Every seat
// receives every event, so a gap in event numbers always means a loss.
func VisibleTo(e Event, seat int) Event {
	if r, ok := e.(Redactor); ok {
		return r.RedactFor(seat)
	}
	return e
}

// Played is one card on the table in the current trick.
type Played struct {
	Seat int
	Card Card
}

// GameStarted opens a deal. TrumpCard is the face-up trump card where the
// game has one at the start (Schnapsen), else NoCard.
type GameStarted struct {
	Deal      int
	Dealer    int
	TrumpCard Card
}

// CardsDealt gives Seat its cards. Private: other seats learn only Count.
type CardsDealt struct {
	Seat  int
	Cards []Card
	Count int
}

// RedactFor hides the cards from every seat but the receiver.
func (e CardsDealt) RedactFor(seat int) Event {
	if seat == e.Seat {
		return e
	}
	return CardsDealt{Seat: e.Seat, Count: e.Count}
}

// CardsDrawn gives Seat the cards drawn from the talon after a trick.
// Private like CardsDealt. Public is set when the card is known to all
// anyway (the face-up trump card taken last).
type CardsDrawn struct {
	Seat   int
	Cards  []Card
	Count  int
	Public bool
}

// RedactFor hides the cards from every seat but the receiver.
func (e CardsDrawn) RedactFor(seat int) Event {
	if seat == e.Seat || e.Public {
		return e
	}
	return CardsDrawn{Seat: e.Seat, Count: e.Count}
}

// MustKnock opens Schafkopf's knock window until Deadline (Unix ms).
type MustKnock struct{ Deadline int64 }

// Knocked says Seat knocked (Schafkopf: doubles the stake; Bauernschnapsen:
// the cutter chose to have five cards dealt at once).
type Knocked struct{ Seat int }

// MustAnnounce prompts Seat to announce or pass. Options, the announcements
// Seat may make, only reach Seat.
type MustAnnounce struct {
	Seat     int
	Deadline int64
	Options  []Announce
}

// RedactFor drops the options for every seat but the one to act.
func (e MustAnnounce) RedactFor(seat int) Event {
	if seat == e.Seat {
		return e
	}
	return MustAnnounce{Seat: e.Seat, Deadline: e.Deadline}
}

// Announced says Seat announced a game. Ace is the called ace (Sauspiel),
// Suit the solo suit (Solo).
type Announced struct {
	Seat int
	Game Contract
	Ace  Card
	Suit Suit
}

// Passed says Seat passed in the announcement round.
type Passed struct{ Seat int }

// MustPlayCard prompts Seat to play. Legal (the cards Seat may play),
// Marriages (suits whose marriage Seat may announce with this lead) and the
// talon options only reach Seat.
type MustPlayCard struct {
	Seat        int
	Deadline    int64
	Legal       []Card
	Marriages   []Suit
	CanExchange bool
	CanClose    bool
}

// RedactFor drops the private options for every seat but the one to act.
func (e MustPlayCard) RedactFor(seat int) Event {
	if seat == e.Seat {
		return e
	}
	return MustPlayCard{Seat: e.Seat, Deadline: e.Deadline}
}

// CardPlayed says Seat played Card to the trick.
type CardPlayed struct {
	Seat int
	Card Card
}

// TrickTaken says Seat won the trick, worth Points card points.
type TrickTaken struct {
	Seat   int
	Points int
}

// KontraGiven says Seat gave Kontra (wire type "kontra").
type KontraGiven struct{ Seat int }

// ReGiven says Seat answered with Re (wire type "re").
type ReGiven struct{ Seat int }

// MarriageAnnounced says Seat announced the marriage of Suit, worth Points
// (20 or 40). Pending is set when the points wait for Seat's first trick.
type MarriageAnnounced struct {
	Seat    int
	Suit    Suit
	Points  int
	Pending bool
}

// TrumpExchanged says Seat swapped the jack of trumps for the face-up trump
// card Took; the jack is now the face-up card.
type TrumpExchanged struct {
	Seat int
	Took Card
	Gave Card
}

// TalonClosed says Seat closed the talon.
type TalonClosed struct{ Seat int }

// MustCut opens the Bauernschnapsen cutter's window until Deadline (Unix
// ms): Seat cuts or knocks; when the window closes unanswered, the deck is
// cut.
type MustCut struct {
	Seat     int
	Deadline int64
}

// CutChosen says the cutter Seat cut (or let the window pass), so the cards
// are dealt 3 + 2 (wire type "cut"; a knock is Knocked).
type CutChosen struct{ Seat int }

// MustCallTrump prompts Seat (forehand) to name the trump suit. Suits, the
// suits Seat may name (those of its cards), only reach Seat: they tell what
// it holds. Aufschlagen says whether turning up the next card is allowed
// (not after a knock), which everybody knows.
type MustCallTrump struct {
	Seat        int
	Deadline    int64
	Suits       []Suit
	Aufschlagen bool
}

// RedactFor drops the suits for every seat but the one to call.
func (e MustCallTrump) RedactFor(seat int) Event {
	if seat == e.Seat {
		return e
	}
	return MustCallTrump{Seat: e.Seat, Deadline: e.Deadline, Aufschlagen: e.Aufschlagen}
}

// TrumpCalled says Seat named Suit as trump. With Aufschlagen the suit is
// that of Card, Seat's next card turned face up: it goes to Seat's hand
// with the second packet and is public from now on.
type TrumpCalled struct {
	Seat        int
	Suit        Suit
	Aufschlagen bool
	Card        Card
}

func (GameStarted) Type() string       { return "gameStarted" }
func (CardsDealt) Type() string        { return "cardsDealt" }
func (CardsDrawn) Type() string        { return "cardsDrawn" }
func (MustKnock) Type() string         { return "mustKnock" }
func (Knocked) Type() string           { return "knocked" }
func (MustAnnounce) Type() string      { return "mustAnnounce" }
func (Announced) Type() string         { return "announced" }
func (Passed) Type() string            { return "passed" }
func (MustPlayCard) Type() string      { return "mustPlayCard" }
func (CardPlayed) Type() string        { return "cardPlayed" }
func (TrickTaken) Type() string        { return "trickTaken" }
func (KontraGiven) Type() string       { return "kontra" }
func (ReGiven) Type() string           { return "re" }
func (MarriageAnnounced) Type() string { return "marriageAnnounced" }
func (TrumpExchanged) Type() string    { return "trumpExchanged" }
func (TalonClosed) Type() string       { return "talonClosed" }
func (MustCut) Type() string           { return "mustCut" }
func (CutChosen) Type() string         { return "cut" }
func (MustCallTrump) Type() string     { return "mustCallTrump" }
func (TrumpCalled) Type() string       { return "trumpCalled" }
func (SchafkopfResult) Type() string   { return "dealResult" }
func (SchnapsenResult) Type() string   { return "dealResult" }

func (BauernschnapsenResult) Type() string { return "dealResult" }

// SchafkopfResult ends a Schafkopf deal (wire type "dealResult"). A
// thrown-in deal has ThrownIn set and zero payouts. Balances are the running
// balances after this deal.
type SchafkopfResult struct {
	ThrownIn     bool
	Game         Contract
	Declarer     int
	Partner      int // -1 outside a Sauspiel
	DeclarersWin bool
	Points       []int
	Schneider    bool
	Schwarz      bool
	Laufende     int
	Knocks       int
	Multiplier   int
	Value        int
	Payouts      []int
	Balances     []int
}

// SchnapsenResult ends a Schnapsen deal (wire type "dealResult"). Totals
// are the game points of the running Bummerl after this deal; when this deal
// decided a Bummerl, BummerlLoser is the seat that got it and Bummerl its
// count (1, or 2 for a Schneider-Bummerl), and Totals restart at 0:0.
type SchnapsenResult struct {
	Winner       int
	GamePoints   int
	Scores       []int
	Reason       string
	Totals       []int
	BummerlLoser int // -1 when the Bummerl goes on
	Bummerl      int
	Bummerls     []int // Bummerl each seat has got so far
}

// The Schnapsen deal-end reasons of SchnapsenResult.Reason.
const (
	ReasonReached66    = "reached66"    // a player reached 66, talon not closed
	ReasonLastTrick    = "lastTrick"    // talon exhausted, nobody reached 66
	ReasonCloserWon    = "closerWon"    // the closer reached 66
	ReasonCloserFailed = "closerFailed" // the closer did not reach 66 first
)

// BauernschnapsenResult ends a Bauernschnapsen deal (wire type
// "dealResult"). Teams are numbered 0 (seats 0 and 2) and 1 (seats 1 and
// 3). The deal gives MatchPoints = Value × Multiplier to WinnerTeam.
// Totals are the teams' match points after this deal; when this deal
// decided the match (MatchWinner >= 0), the other team got Bummerl
// Bummerl (1, 2 for a Schneider, 4 for a Retourschneider) and the table
// restarts both totals at 0 for the next deal.
type BauernschnapsenResult struct {
	Game        Contract // the contract played; NormalGame when nobody announced
	Declarer    int      // -1 in the normal game
	Trump       Suit     // the called trump; meaningless when NoTrump
	NoTrump     bool     // Bettel and Gang have no trump suit
	WinnerTeam  int
	Reason      string // ReasonReached66, ReasonLastTrick, ReasonContractMade, ReasonContractFailed
	Value       int    // 1..3 in the normal game, else the contract's base value
	Multiplier  int    // 1, 2 after Kontra, 4 after Re
	MatchPoints int
	Scores      []int // per team: card points won plus credited marriages
	Tricks      []int // per team: tricks won
	Totals      []int // per team: match points after this deal
	MatchWinner int   // the team that reached 24 with this deal, else -1
	Bummerl     int   // Bummerl the losing team got, 0 while the match goes on
	Schneider   bool  // the losing team finished on 0
	// Retourschneider: the losing team finished on 23, reached while the
	// winners had 0.
	Retourschneider bool
	Bummerls        []int // Bummerl per seat so far (partners alike)
}

// The Bauernschnapsen outcomes of a special contract, in
// BauernschnapsenResult.Reason (the normal game uses ReasonReached66 and
// ReasonLastTrick).
const (
	ReasonContractMade   = "contractMade"
	ReasonContractFailed = "contractFailed"
)
