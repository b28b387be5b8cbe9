package client

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wire is one connection to a node: WebSocket or TCP lines.
type wire interface {
	read() ([]byte, error)
	write(msg []byte) error
	// setReadDeadline bounds the reads until the next call.
	setReadDeadline(t time.Time) error
	close()
}

// dial connects to addr: "ws://host:port/ws" (or wss://) or
// "tcp://host:port".
func dial(ctx context.Context, addr string, timeout time.Duration) (wire, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case strings.HasPrefix(addr, "ws://"), strings.HasPrefix(addr, "wss://"):
		d := websocket.Dialer{HandshakeTimeout: timeout, ReadBufferSize: 4096, WriteBufferSize: 1024}
		c, resp, err := d.DialContext(ctx, addr, nil)
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if err != nil {
			return nil, err
		}
		return &wsWire{c: c}, nil
	case strings.HasPrefix(addr, "tcp://"):
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", strings.TrimPrefix(addr, "tcp://"))
		if err != nil {
			return nil, err
		}
		return &tcpWire{c: c, r: bufio.NewReader(c)}, nil
	}
	return nil, fmt.Errorf("client: address %q is neither ws:// nor tcp://", addr)
}

type wsWire struct {
	c  *websocket.Conn
	mu sync.Mutex
}

func (w *wsWire) read() ([]byte, error) {
	_, b, err := w.c.ReadMessage()
	return b, err
}

func (w *wsWire) write(msg []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return w.c.WriteMessage(websocket.TextMessage, msg)
}

func (w *wsWire) setReadDeadline(t time.Time) error { return w.c.SetReadDeadline(t) }

func (w *wsWire) close() { w.c.Close() }

type tcpWire struct {
	c  net.Conn
	r  *bufio.Reader
	mu sync.Mutex
}

func (w *tcpWire) read() ([]byte, error) {
	for {
		b, err := w.r.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		b = bytes.TrimRight(b, "\r\n")
		if len(b) > 0 {
			return b, nil
		}
	}
}

func (w *tcpWire) write(msg []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := w.c.Write(append(append(make([]byte, 0, len(msg)+1), msg...), '\n'))
	return err
}

func (w *tcpWire) setReadDeadline(t time.Time) error { return w.c.SetReadDeadline(t) }

func (w *tcpWire) close() { w.c.Close() }
