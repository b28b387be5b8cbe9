// Package record is what tablebench's players write down: every request
// they sent with its outcome, and every table event they received. The
// chaos checker reads it beside the replicated history.
package record

import (
	"time"

	"tableraft/transport/codec"
)

// The outcomes of a request.
const (
	OK      = "ok"      // acked: committed and applied
	Refused = "refused" // answered with an error code
	Unknown = "unknown" // no answer (timeout, shutdown): it may or may not have been applied
)

// Op is one request a player sent.
type Op struct {
	Player string
	// Kind is the request type: createTable, joinTable, leaveTable, or a
	// game command's name (playACard, pass, ...).
	Kind  string
	Table int64 // 0 for createTable
	Cmd   codec.GameCommand
	// Seq is the seq the answer carried (0 when Unknown).
	Seq     int64
	Call    time.Time
	Return  time.Time // zero when Unknown
	Outcome string
	Code    string // the refusal's code
	Event   int64  // the ack's table event
	AckTab  int64  // the ack's table (createTable names the new one)
}

// Seen is one numbered table event a player received.
type Seen struct {
	Player string
	Table  int64
	Event  int64
	Type   string
}
