package session

import "sync"

// queue is a connection's bounded send queue. Producers (the session, the
// hub) never block: when the queue is full the connection is dropped, so
// a slow client never holds up a table or another player. It resyncs
// when it reconnects.
//
// A writer goroutine runs only while there is something to write: Send
// starts one when none runs, and it ends when the queue is empty. The
// messages live in a slice that is given back after a burst. So an idle
// connection costs no goroutine and almost no memory beyond its reader.
type queue struct {
	maxMsgs, maxBytes int
	// write writes a batch and reports false when the connection failed;
	// closeConn closes the connection. Both run on the writer goroutine
	// (closeConn also from onDrop).
	write     func(msgs [][]byte) bool
	closeConn func()

	mu      sync.Mutex
	msgs    [][]byte
	bytes   int
	closing bool // no more messages; the writer flushes and closes
	dropped bool // too slow, or gone: close without flushing
	running bool // a writer goroutine is running
	wg      sync.WaitGroup
}

func newQueue(maxMsgs, maxBytes int, write func([][]byte) bool, closeConn func()) *queue {
	return &queue{maxMsgs: maxMsgs, maxBytes: maxBytes, write: write, closeConn: closeConn}
}

// Send queues msgs, which the writer then takes in one batch. It reports
// false when the queue is closing or when they do not fit: then the
// connection is dropped (closed at once, which also ends a write stuck on
// the slow client).
func (q *queue) Send(msgs ...[]byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing || q.dropped {
		return false
	}
	size := 0
	for _, m := range msgs {
		size += len(m)
	}
	if len(q.msgs)+len(msgs) > q.maxMsgs || q.bytes+size > q.maxBytes {
		q.dropped = true
		q.msgs, q.bytes = nil, 0
		go q.closeConn() // Send may run under the hub's lock: close elsewhere
		return false
	}
	q.msgs = append(q.msgs, msgs...)
	q.bytes += size
	q.kickLocked()
	return true
}

// close accepts no more messages; the writer sends what is queued, then
// closes the connection.
func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing || q.dropped {
		return
	}
	q.closing = true
	q.kickLocked()
}

// drop discards what is queued and accepts nothing more; a running writer
// stops after its current write.
func (q *queue) drop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.dropped = true
	q.msgs, q.bytes = nil, 0
}

// wait returns when no writer runs any more.
func (q *queue) wait() { q.wg.Wait() }

// kickLocked starts a writer unless one runs; q.mu is held.
func (q *queue) kickLocked() {
	if q.running {
		return
	}
	q.running = true
	q.wg.Add(1)
	go q.writer()
}

// writer writes batches until the queue is empty, then ends; after the
// last batch of a closing queue it closes the connection.
func (q *queue) writer() {
	defer q.wg.Done()
	var buf [][]byte
	for {
		q.mu.Lock()
		if q.dropped {
			q.running = false
			q.mu.Unlock()
			return
		}
		if len(q.msgs) == 0 && !q.closing {
			q.running = false
			q.mu.Unlock()
			return
		}
		msgs := append(buf[:0], q.msgs...)
		clear(q.msgs)
		q.msgs = q.msgs[:0]
		if cap(q.msgs) > 64 {
			q.msgs = nil // give a burst's memory back
		}
		q.bytes = 0
		closing := q.closing
		q.mu.Unlock()

		if len(msgs) > 0 && !q.write(msgs) {
			q.mu.Lock()
			q.dropped, q.running = true, false
			q.msgs, q.bytes = nil, 0
			q.mu.Unlock()
			q.closeConn()
			return
		}
		clear(msgs)
		buf = msgs[:0]
		if cap(buf) > 64 {
			buf = nil
		}
		if closing {
			q.mu.Lock()
			q.running = false
			q.mu.Unlock()
			q.closeConn()
			return
		}
	}
}
