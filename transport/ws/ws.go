// Package ws serves the player protocol over WebSocket (gorilla/websocket)
// at /ws of the node's HTTP address: one JSON object per text message. The
// session layer does the rest.
package ws

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"tableraft/transport/codec"
	"tableraft/transport/session"
)

// Handler upgrades requests to WebSocket and runs a session on each. Tokens
// travel in hello, never in cookies, so any origin may connect (a page
// cannot act for a player whose token it does not hold).
func Handler(srv *session.Server) http.Handler {
	up := &websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Small read buffers and pooled write buffers keep an idle
		// connection cheap; messages are at most 4 KiB anyway.
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     func(*http.Request) bool { return true },
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade has answered the request
		}
		srv.Serve(NewConn(c))
	})
}

// Conn is a session.Conn over a WebSocket.
type Conn struct {
	c *websocket.Conn
}

// NewConn wraps c. Frames longer than session.MaxDiscard end the
// connection (gorilla answers them with close code 1009).
func NewConn(c *websocket.Conn) *Conn {
	c.SetReadLimit(session.MaxDiscard)
	return &Conn{c: c}
}

// ReadMessage returns the next data message. One longer than
// codec.MaxMessageSize is read to its end and refused with
// session.ErrTooLong.
func (c *Conn) ReadMessage() ([]byte, error) {
	_, r, err := c.c.NextReader()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r, codec.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > codec.MaxMessageSize {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return nil, err
		}
		return nil, session.ErrTooLong
	}
	return b, nil
}

// WriteMessage sends msg as one text message.
func (c *Conn) WriteMessage(msg []byte) error { return c.c.WriteMessage(websocket.TextMessage, msg) }

// Flush does nothing: every message is written at once.
func (c *Conn) Flush() error { return nil }

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.c.SetWriteDeadline(t) }

// Close sends a close frame (best effort) and closes the connection.
func (c *Conn) Close() error {
	err := c.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	if cerr := c.c.Close(); err == nil || errors.Is(err, websocket.ErrCloseSent) {
		err = cerr
	}
	return err
}

// RemoteAddr names the peer.
func (c *Conn) RemoteAddr() string { return c.c.RemoteAddr().String() }
