// Package tcp serves the player protocol on a plain TCP port: one JSON
// object per line (UTF-8, "\n"-terminated, at most codec.MaxMessageSize
// bytes without the line end; a trailing "\r" is ignored, blank lines are
// skipped). The session layer does the rest.
package tcp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"time"

	"tableraft/transport/codec"
	"tableraft/transport/session"
)

// Serve accepts connections on ln and runs a session for each until ln is
// closed. It returns nil when ln was closed.
func Serve(ln net.Listener, srv *session.Server) error {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			// A temporary failure (out of file descriptors): back off
			// and go on, as net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			time.Sleep(delay)
			continue
		}
		delay = 0
		go srv.Serve(NewConn(c))
	}
}

// Conn is a session.Conn over a TCP connection.
type Conn struct {
	c    net.Conn
	r    *bufio.Reader
	wbuf []byte
}

// NewConn frames c as lines.
func NewConn(c net.Conn) *Conn {
	return &Conn{c: c, r: bufio.NewReaderSize(c, codec.MaxMessageSize+2)}
}

// ReadMessage returns the next non-blank line without its line end. The
// slice is valid until the next call.
func (c *Conn) ReadMessage() ([]byte, error) {
	for {
		line, err := c.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, c.discardLine()
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) > 0 {
				return nil, io.ErrUnexpectedEOF // a last line without its "\n"
			}
			return nil, err
		}
		line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) > codec.MaxMessageSize {
			return nil, session.ErrTooLong
		}
		return line, nil
	}
}

// discardLine skips the rest of a line that is too long, up to
// session.MaxDiscard bytes in all.
func (c *Conn) discardLine() error {
	skipped := c.r.Buffered()
	for skipped <= session.MaxDiscard {
		_, err := c.r.ReadSlice('\n')
		if err == nil {
			return session.ErrTooLong
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
		skipped += c.r.Size()
	}
	return errors.New("tcp: a line longer than the discard limit")
}

// WriteMessage buffers msg as one line; Flush sends it.
func (c *Conn) WriteMessage(msg []byte) error {
	c.wbuf = append(c.wbuf, msg...)
	c.wbuf = append(c.wbuf, '\n')
	if len(c.wbuf) >= 32<<10 {
		return c.Flush()
	}
	return nil
}

// Flush writes the buffered lines. A large buffer is given back, so an
// idle connection holds little memory.
func (c *Conn) Flush() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.c.Write(c.wbuf)
	if cap(c.wbuf) > 4<<10 {
		c.wbuf = nil
	} else {
		c.wbuf = c.wbuf[:0]
	}
	return err
}

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.c.SetWriteDeadline(t) }

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// RemoteAddr names the peer.
func (c *Conn) RemoteAddr() string { return c.c.RemoteAddr().String() }
