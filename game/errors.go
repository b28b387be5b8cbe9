package game

import (
	"errors"
	"fmt"
)

// Refusal is the error a table returns for an illegal command. Code is a
// stable string from the wire protocol (../shared/PROTOCOL.md, the list in
// docs/PROTOCOL.md); Message says why in words for a person. A refused
// command never changes the table.
type Refusal struct {
	Code    string
	Message string
}

func (r *Refusal) Error() string { return r.Code + ": " + r.Message }

// Is makes errors.Is(err, ErrNotYourTurn) match any Refusal with that code,
// whatever its message.
func (r *Refusal) Is(target error) bool {
	t, ok := target.(*Refusal)
	return ok && t.Code == r.Code
}

// refuse builds a Refusal with the code of sentinel and a formatted message.
func refuse(sentinel *Refusal, format string, args ...any) error {
	return &Refusal{Code: sentinel.Code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the stable code of a refusal, or "" when err is not one.
func CodeOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Code
	}
	return ""
}

// The refusals. Each is matched with errors.Is; the message of a returned
// refusal is more specific than the one here.
var (
	// ErrNotYourTurn: the seat acted while another seat is to act.
	ErrNotYourTurn = &Refusal{"notYourTurn", "another seat is to act"}
	// ErrCardNotInHand: the card played is not in the player's hand.
	ErrCardNotInHand = &Refusal{"cardNotInHand", "that card is not in your hand"}
	// ErrMustFollowSuit: the player holds a card of the led suit (or trump
	// class) and must play one.
	ErrMustFollowSuit = &Refusal{"mustFollowSuit", "you must follow suit"}
	// ErrMustHeadTrick: in a strict phase the player must beat the trick
	// with a higher card of the led suit.
	ErrMustHeadTrick = &Refusal{"mustHeadTrick", "you must play a higher card of the led suit"}
	// ErrMustTrump: the player is void in the led suit and holds a trump
	// (or must overtrump).
	ErrMustTrump = &Refusal{"mustTrump", "you must play a trump"}
	// ErrCalledAceRule: a Sauspiel called-ace obligation (search, no
	// discard, lead with the ace) was broken.
	ErrCalledAceRule = &Refusal{"calledAceRule", "the called ace rule forbids that card"}
	// ErrAnnouncementTooLow: the announced game does not outrank the best
	// announcement so far.
	ErrAnnouncementTooLow = &Refusal{"announcementTooLow", "your announcement must outrank the best one so far"}
	// ErrBadAnnouncement: the announcement is malformed or the player is
	// not eligible for it (a called ace he holds, a suit he lacks, ...).
	ErrBadAnnouncement = &Refusal{"badAnnouncement", "that announcement is not allowed"}
	// ErrBadTrumpCall: forehand named a suit it holds no card of (among the
	// cards it may look at), or chose Aufschlagen after a knock.
	ErrBadTrumpCall = &Refusal{"badTrumpCall", "you cannot call that trump"}
	// ErrKontraNotAllowed: Kontra or Re from a player not entitled to it,
	// outside its window, or given twice.
	ErrKontraNotAllowed = &Refusal{"kontraNotAllowed", "kontra or re is not allowed now"}
	// ErrTalonTooSmall: closing or exchanging with fewer than 3 talon cards.
	ErrTalonTooSmall = &Refusal{"talonTooSmall", "the talon has fewer than 3 cards"}
	// ErrTalonClosed: closing or exchanging when the talon is closed or
	// exhausted.
	ErrTalonClosed = &Refusal{"talonClosed", "the talon is closed or exhausted"}
	// ErrNoTrumpJack: exchanging without holding the jack of trumps.
	ErrNoTrumpJack = &Refusal{"noTrumpJack", "you do not hold the jack of trumps"}
	// ErrNoMarriage: a marriage announced without K and Q of the suit, or
	// with a card other than its K or Q.
	ErrNoMarriage = &Refusal{"noMarriage", "you do not hold that marriage"}
	// ErrAlreadyActed: the seat already answered in this window (knocked
	// twice, for example).
	ErrAlreadyActed = &Refusal{"alreadyActed", "you already answered"}
	// ErrWrongStage: the command does not belong to the current stage
	// (a card during the knock window, a knock during play).
	ErrWrongStage = &Refusal{"wrongStage", "that action is not possible in this stage"}
	// ErrNotPlaying: a game command at a table that has no deal running.
	ErrNotPlaying = &Refusal{"notPlaying", "no deal is running at this table"}
	// ErrAlreadyPlaying: a deal was started while one is running.
	ErrAlreadyPlaying = &Refusal{"alreadyPlaying", "a deal is already running"}
	// ErrNotSeated: the seat number does not exist at this table.
	ErrNotSeated = &Refusal{"notSeated", "you have no seat at this table"}
	// ErrBadDeck: an injected deck is not a permutation of the game's deck.
	ErrBadDeck = &Refusal{"badDeck", "the deck is not a permutation of the game's cards"}
	// ErrBadOptions: unknown game or invalid table options.
	ErrBadOptions = &Refusal{"badOptions", "invalid game or options"}
	// ErrBadCard: a card or suit code that does not exist in the game.
	ErrBadCard = &Refusal{"badCard", "no such card"}
)
