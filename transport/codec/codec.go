// Package codec is the player border of the wire protocol (docs/PROTOCOL.md):
// it turns the JSON a client sends into typed messages and typed server
// messages and game events into JSON. Nothing past the border sees JSON.
//
// Decoding is strict about what it knows and lenient about what it does not:
// a known field with the wrong JSON type is an error, an unknown field is
// ignored whatever its value. Every malformed input gives a *Error, never a
// panic. Card and suit codes depend on the game (Schafkopf "S" is Schellen,
// Schnapsen "S" is spades), so a game command keeps its raw codes until
// GameCommand.Resolve reads them with the table's game.Notation.
//
// Encoding writes small explicit wire structs with encoding/json; an Encoder
// holds one notation's card strings, so that formatting a card allocates
// nothing. Everything here is safe for concurrent use.
//
// Replay files (replay.go, "tablectl replay") are the offline form of the
// same messages: game commands from seats on a fixed deck, run through a
// game.Table, printed with the same event encoder.
package codec

// ProtocolVersion is the protocol version the welcome message announces.
const ProtocolVersion = 1

// MaxMessageSize is the largest client message Decode accepts, in bytes,
// without the line terminator of the TCP framing.
const MaxMessageSize = 4096

// Error is a message the codec refuses (Decode: CodeBadMessage;
// GameCommand.Resolve: CodeBadCard). Message says why for a person. Seq is
// the message's seq when it could be read before the problem was found,
// so that the error frame can name the command it refuses; 0 otherwise.
type Error struct {
	Code    string
	Message string
	Seq     int64
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
