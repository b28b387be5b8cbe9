package codec

import (
	"tableraft/fsm"
	"tableraft/game"
)

// The error codes that the codec and the session layer produce. The game's
// refusal codes live in game/errors.go; ErrorCodes lists them all.
const (
	// CodeBadMessage: the message is not JSON, not an object, too large,
	// of an unknown type, or a field is missing, of the wrong type or out
	// of range.
	CodeBadMessage = "badMessage"
	// CodeBadCard: a card or suit code that does not exist in the table's
	// game (the same code as game.ErrBadCard).
	CodeBadCard = "badCard"
	// CodeUnauthorized: no valid hello yet, or a token that does not verify.
	CodeUnauthorized = "unauthorized"
	// CodeForbidden: a WebSocket from a web page of a foreign origin
	// (HTTP 403 before the upgrade).
	CodeForbidden = "forbidden"
	// CodeRateLimited: the client sends faster than its budget allows.
	CodeRateLimited = "rateLimited"
	// CodeNotLeader: this node does not serve players now (the client
	// connects again through haproxy).
	CodeNotLeader = "notLeader"
	// CodeNotSeated: the player has no seat at that table (the same code
	// as game.ErrNotSeated, which the table gives for a seat number it
	// does not have).
	CodeNotSeated = "notSeated"
)

// Where an error code comes from.
const (
	SourceGame    = "game"    // a *game.Refusal from the table
	SourceState   = "state"   // a refusal of the replicated state (package fsm)
	SourceCodec   = "codec"   // a *codec.Error from Decode or Resolve
	SourceSession = "session" // the connection and lobby layer
)

// ErrorCode describes one stable error code of the protocol.
type ErrorCode struct {
	Code   string
	Source string
	// Produced is set when the code can reach a client today.
	Produced bool
}

// ErrorCodes lists every error code of the protocol, game refusals first.
// docs/PROTOCOL.md carries the same list; a test keeps the two in step.
func ErrorCodes() []ErrorCode {
	refusals := []*game.Refusal{
		game.ErrNotYourTurn, game.ErrCardNotInHand, game.ErrMustFollowSuit,
		game.ErrMustHeadTrick, game.ErrMustTrump, game.ErrCalledAceRule,
		game.ErrAnnouncementTooLow, game.ErrBadAnnouncement, game.ErrBadTrumpCall, game.ErrKontraNotAllowed,
		game.ErrTalonTooSmall, game.ErrTalonClosed, game.ErrNoTrumpJack,
		game.ErrNoMarriage, game.ErrAlreadyActed, game.ErrWrongStage,
		game.ErrNotPlaying, game.ErrAlreadyPlaying, game.ErrNotSeated,
		game.ErrBadDeck, game.ErrBadOptions, game.ErrBadCard,
	}
	codes := make([]ErrorCode, 0, len(refusals)+6)
	for _, r := range refusals {
		codes = append(codes, ErrorCode{Code: r.Code, Source: SourceGame, Produced: true})
	}
	// badMessage and notSeated are listed once, with the game's and the
	// codec's codes.
	for _, r := range []*game.Refusal{fsm.ErrUnknownTable, fsm.ErrTableFull, fsm.ErrAlreadySeated, fsm.ErrStaleSeq} {
		codes = append(codes, ErrorCode{Code: r.Code, Source: SourceState, Produced: true})
	}
	codes = append(codes,
		ErrorCode{Code: CodeBadMessage, Source: SourceCodec, Produced: true},
		ErrorCode{Code: CodeUnauthorized, Source: SourceSession, Produced: true},
		ErrorCode{Code: CodeRateLimited, Source: SourceSession, Produced: true},
		ErrorCode{Code: CodeForbidden, Source: SourceSession, Produced: true},
		// A node that does not lead answers with a reconnect message
		// (and the leader's address) instead of this code.
		ErrorCode{Code: CodeNotLeader, Source: SourceSession},
	)
	return codes
}
