package session

import (
	"errors"
	"time"
)

// Conn is one client connection as the session layer sees it: framed
// messages in and out. transport/ws and transport/tcp implement it over a
// WebSocket and over TCP lines. ReadMessage is called from one goroutine
// and WriteMessage from another; Close may be called from any, more than
// once.
type Conn interface {
	// ReadMessage returns the next client message. A message longer than
	// codec.MaxMessageSize gives ErrTooLong: its bytes are read and thrown
	// away (up to MaxDiscard), and the connection goes on. Any other error
	// ends the session.
	ReadMessage() ([]byte, error)
	// WriteMessage writes one server message.
	WriteMessage(msg []byte) error
	// Flush pushes buffered writes out; the writer calls it when its queue
	// is empty.
	Flush() error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	// Close ends the connection (politely where the framing has a close
	// handshake).
	Close() error
	// RemoteAddr names the peer in logs.
	RemoteAddr() string
}

// ProxiedConn is a Conn that knows whether it came through one of the
// trusted load balancers (--trusted-proxies): such a session is held for
// the proxy to cut when this node stops leading (Limits.HandOverHold).
type ProxiedConn interface {
	ViaProxy() bool
}

// ErrTooLong: a client message longer than codec.MaxMessageSize. The
// message was skipped; the connection is still good.
var ErrTooLong = errors.New("session: message too long")

// MaxDiscard is the longest message a connection skips to stay open. A
// longer one ends the connection: reading it would only waste bandwidth.
const MaxDiscard = 8 << 20
