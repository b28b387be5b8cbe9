package session

import "sync"

// queue is a connection's bounded send queue. Producers (the session, the
// hub) never block: when the queue is full the connection is dropped, so
// a slow client never holds up a table or another player. It resyncs
// when it reconnects. The messages are kept in a slice that is allocated
// only while something waits, so an idle connection costs almost nothing.
type queue struct {
	maxMsgs, maxBytes int
	// onDrop runs once when a full queue drops the connection: it closes
	// the connection, which also ends a write stuck on the slow client.
	onDrop func()

	mu      sync.Mutex
	msgs    [][]byte
	bytes   int
	closing bool // no more messages; the writer flushes and closes
	dropped bool // the client was too slow: close without flushing
	wake    chan struct{}
}

func newQueue(maxMsgs, maxBytes int, onDrop func()) *queue {
	return &queue{maxMsgs: maxMsgs, maxBytes: maxBytes, onDrop: onDrop, wake: make(chan struct{}, 1)}
}

// Send queues msg. It reports false when the queue is closing or when msg
// does not fit: then the connection is dropped.
func (q *queue) Send(msg []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing || q.dropped {
		return false
	}
	if len(q.msgs) >= q.maxMsgs || q.bytes+len(msg) > q.maxBytes {
		q.dropped = true
		q.msgs, q.bytes = nil, 0
		q.signal()
		if q.onDrop != nil {
			go q.onDrop() // Send runs under the hub's lock: close elsewhere
		}
		return false
	}
	q.msgs = append(q.msgs, msg)
	q.bytes += len(msg)
	q.signal()
	return true
}

// close accepts no more messages; the writer sends what is queued, then
// closes the connection.
func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closing = true
	q.signal()
}

// drop discards what is queued; the writer closes the connection at once.
func (q *queue) drop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.dropped = true
	q.msgs, q.bytes = nil, 0
	q.signal()
}

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take waits for messages and returns them with the queue's state. buf is
// reused for the returned slice. done means the writer should stop after
// writing msgs (closing) or at once (dropped).
func (q *queue) take(buf [][]byte) (msgs [][]byte, closing, dropped bool) {
	for {
		q.mu.Lock()
		if q.dropped {
			q.mu.Unlock()
			return nil, false, true
		}
		if len(q.msgs) > 0 || q.closing {
			msgs = append(buf[:0], q.msgs...)
			clear(q.msgs)
			q.msgs = q.msgs[:0]
			if cap(q.msgs) > 64 {
				q.msgs = nil // give a burst's memory back
			}
			q.bytes = 0
			closing = q.closing
			q.mu.Unlock()
			return msgs, closing, false
		}
		q.mu.Unlock()
		<-q.wake
	}
}

// pending reports whether messages wait (tests).
func (q *queue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs)
}
