package fsm

import (
	"fmt"

	"tableraft/game"
)

// The refusals of the replicated state, beside the game's own. They are
// *game.Refusal values, so one CodeOf and one errors.Is serve both.
var (
	// ErrUnknownTable: no table has that id (it never existed or closed).
	ErrUnknownTable = &game.Refusal{Code: "unknownTable", Message: "no such table"}
	// ErrTableFull: joining a table whose seats are all taken.
	ErrTableFull = &game.Refusal{Code: "tableFull", Message: "the table is full"}
	// ErrNotSeated: a game command or leave at a table where the player has
	// no seat.
	ErrNotSeated = &game.Refusal{Code: "notSeated", Message: "you have no seat at this table"}
	// ErrAlreadySeated: joining a table where the player already sits.
	ErrAlreadySeated = &game.Refusal{Code: "alreadySeated", Message: "you already sit at this table"}
	// ErrStaleSeq: a seq older than the player's dedup window; it may have
	// been applied already, so it is not applied now.
	ErrStaleSeq = &game.Refusal{Code: "staleSeq", Message: "that seq is too old"}
	// ErrBadMessage: a command that is malformed for its op (a player op
	// without a player, a seq of 0, too many bots).
	ErrBadMessage = &game.Refusal{Code: "badMessage", Message: "malformed command"}
)

func refuse(sentinel *game.Refusal, format string, args ...any) error {
	return &game.Refusal{Code: sentinel.Code, Message: fmt.Sprintf(format, args...)}
}
