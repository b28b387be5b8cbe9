package codec

// The session layer's additions to welcome and reconnect (docs/PROTOCOL.md,
// "Sessions, as served"): the seq a client continues from, and where the
// leader serves.

type welcomeAtWire struct {
	Type     string `json:"type"`
	Player   string `json:"player"`
	Node     string `json:"node"`
	Protocol int    `json:"protocol"`
	Seq      int64  `json:"seq"`
}

// EncodeWelcomeAt answers a valid hello like EncodeWelcome and adds seq:
// the highest seq the cluster has recorded for the player (0 = none). A
// client continues above it; its commands still in flight are retried
// with their own seqs.
func EncodeWelcomeAt(player, node string, seq int64) []byte {
	return mustMarshal(welcomeAtWire{Type: "welcome", Player: player, Node: node, Protocol: ProtocolVersion, Seq: seq})
}

// ReasonUnavailable: the node could not commit a command in time (its
// outcome is unknown); connect again and retry the same seq.
const ReasonUnavailable = "unavailable"

// Hint says where the leader serves players, as far as the sending node
// knows: its node id, its HTTP address (WebSocket at ws://HTTP/ws) and its
// TCP player address. Empty fields are unknown (an election is running).
type Hint struct {
	Leader string
	HTTP   string
	TCP    string
}

type reconnectHintWire struct {
	Type    string `json:"type"`
	Reason  string `json:"reason"`
	RetryMs int64  `json:"retryMs"`
	Leader  string `json:"leaderId,omitempty"`
	HTTP    string `json:"http,omitempty"`
	TCP     string `json:"tcp,omitempty"`
}

// EncodeReconnectTo is EncodeReconnect with the leader hint h; fields of h
// that are empty are left out.
func EncodeReconnectTo(reason string, retryMs int64, h Hint) []byte {
	return mustMarshal(reconnectHintWire{Type: "reconnect", Reason: reason, RetryMs: retryMs, Leader: h.Leader, HTTP: h.HTTP, TCP: h.TCP})
}
