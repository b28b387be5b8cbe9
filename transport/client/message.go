package client

import (
	"encoding/json"
	"fmt"
)

// Message is one server message. The fields most clients route on are
// read out; Raw holds the whole JSON object for the rest (Decode).
type Message struct {
	Type  string `json:"type"`
	Seq   int64  `json:"seq"`
	Table int64  `json:"table"`
	Event int64  `json:"event"`
	// error
	Code    string `json:"code"`
	Message string `json:"message"`
	// welcome
	Player string `json:"player"`
	Node   string `json:"node"`
	// reconnect
	Reason  string `json:"reason"`
	RetryMs int64  `json:"retryMs"`
	Leader  string `json:"leaderId"`
	HTTP    string `json:"http"`
	TCP     string `json:"tcp"`
	// table events and tableState that name one seat (or the receiver's)
	Seat *int `json:"seat"`

	Raw []byte `json:"-"`
	// From is the node whose connection delivered a reply (set by the
	// client, not sent by the server): for an ack, the node that
	// acknowledged the command.
	From string `json:"-"`
}

// parse reads one server message.
func parse(b []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("client: a server message that is not JSON: %w", err)
	}
	if m.Type == "" {
		return m, fmt.Errorf("client: a server message without a type")
	}
	m.Raw = b
	return m, nil
}

// Decode unmarshals the whole message into v.
func (m Message) Decode(v any) error { return json.Unmarshal(m.Raw, v) }

// IsTableEvent reports whether m is a numbered table event (not a session
// message, not a tableState).
func (m Message) IsTableEvent() bool {
	switch m.Type {
	case "welcome", "reconnect", "error", "ack", "pong", "tables", "tableState":
		return false
	}
	return m.Table != 0 && m.Event != 0
}

// Error is a refusal from the server: the protocol code and its message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
