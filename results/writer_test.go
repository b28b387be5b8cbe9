package results

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/results/pgtest"
)

// testWriter is a writer with test timings over o, sp and st (nil: no
// database), logging into logs.
func testWriter(o *outbox, sp *Spool, st *Store, logs *logBuffer) *Writer {
	return NewWriter(Config{
		Store: st, Spool: sp, Outbox: o.Outbox, Propose: o.Propose,
		BatchSize: 20, Poll: 5 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		WriteTimeout: 2 * time.Second, ReplayEvery: 20 * time.Millisecond, Logger: logs.logger(),
	})
}

// run starts fn in a goroutine and returns a function that stops it and
// waits for it.
func run(fn func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); fn(ctx) }()
	var once sync.Once
	return func() { once.Do(func() { cancel(); wg.Wait() }) }
}

func mustCount(t *testing.T, s *Store, want int) {
	t.Helper()
	if n, err := s.Count(context.Background()); err != nil || n != want {
		t.Fatalf("PostgreSQL holds %d deals (%v), want %d", n, err, want)
	}
}

func TestWriter(t *testing.T) {
	pg := pgtest.Start(t)

	t.Run("drains the outbox into PostgreSQL in batches", func(t *testing.T) {
		st := mustOpenStore(t, pg.NewDatabase())
		o := &outbox{}
		o.add(deals(1, 1, 250)...)
		var logs logBuffer
		w := testWriter(o, mustOpenSpool(t, t.TempDir(), 0), st, &logs)
		stop := run(w.RunLeader)
		defer stop()
		waitFor(t, 20*time.Second, "an empty outbox", func() bool { return o.len() == 0 })
		stop()
		mustCount(t, st, 250)
		s := w.Stats()
		if s.Written != 250 || s.NewRows != 250 || s.Confirmed != 250 || s.Spooled != 0 || s.DBWrites.Count == 0 || o.proposed > 250/20+1 {
			t.Fatalf("stats %+v after %d proposals, want 250 written in batches of 20, none spooled", s, o.proposed)
		}
	})

	t.Run("two leaders at once store each deal once", func(t *testing.T) {
		// A deposed leader that has not noticed yet and the new one drain
		// the same outbox: the game id key keeps every deal once.
		st := mustOpenStore(t, pg.NewDatabase())
		o := &outbox{}
		var logs logBuffer
		w1 := testWriter(o, mustOpenSpool(t, t.TempDir(), 0), st, &logs)
		w2 := testWriter(o, mustOpenSpool(t, t.TempDir(), 0), st, &logs)
		stop1, stop2 := run(w1.RunLeader), run(w2.RunLeader)
		defer stop1()
		defer stop2()
		for table := int64(1); table <= 6; table++ {
			o.add(deals(table, 1, 50)...)
		}
		waitFor(t, 20*time.Second, "an empty outbox", func() bool { return o.len() == 0 })
		stop1()
		stop2()
		mustCount(t, st, 300)
		if n := w1.Stats().NewRows + w2.Stats().NewRows; n != 300 {
			t.Fatalf("the writers inserted %d new rows between them, want 300", n)
		}
	})

	t.Run("a leader killed between write and confirm: the next one stores nothing twice", func(t *testing.T) {
		st := mustOpenStore(t, pg.NewDatabase())
		o := &outbox{}
		o.add(deals(1, 1, 30)...)
		o.fail = errors.New("raftnode: outcome unknown") // the proposal never lands
		var logs logBuffer
		w1 := testWriter(o, mustOpenSpool(t, t.TempDir(), 0), st, &logs)
		stop1 := run(w1.RunLeader)
		waitFor(t, 10*time.Second, "a written batch", func() bool { return w1.Stats().Written > 0 && w1.Stats().ProposeErrors > 1 })
		stop1() // the old leader's duty ends with its leadership
		if w1.Stats().Written != 20 {
			t.Fatalf("the first writer wrote %d results, want one batch of 20, confirmed again rather than written again", w1.Stats().Written)
		}
		o.mu.Lock()
		o.fail = nil
		o.mu.Unlock()
		w2 := testWriter(o, mustOpenSpool(t, t.TempDir(), 0), st, &logs)
		stop2 := run(w2.RunLeader)
		defer stop2()
		waitFor(t, 10*time.Second, "an empty outbox", func() bool { return o.len() == 0 })
		mustCount(t, st, 30)
		if s := w2.Stats(); s.Written != 30 || s.NewRows != 10 {
			t.Fatalf("the new leader wrote %d, %d of them new; want 30 written, 10 new", s.Written, s.NewRows)
		}
	})

	t.Run("spools while PostgreSQL is down and replays when it is back", func(t *testing.T) {
		st := mustOpenStore(t, pg.NewDatabase())
		o := &outbox{}
		var logs logBuffer
		sp := mustOpenSpool(t, t.TempDir(), 4096)
		w := testWriter(o, sp, st, &logs)
		stopLeader, stopReplay := run(w.RunLeader), run(w.RunReplay)
		defer stopLeader()
		defer stopReplay()
		o.add(deals(1, 1, 10)...)
		waitFor(t, 10*time.Second, "the first deals in PostgreSQL", func() bool { return o.len() == 0 })

		pg.Stop()
		for no := 11; no <= 130; no += 10 {
			o.add(deals(1, no, no+9)...)
		}
		waitFor(t, 20*time.Second, "the outbox to drain into the spool", func() bool { return o.len() == 0 })
		if s := w.Stats(); s.Spool.Records != 120 || s.Spool.Files < 2 || s.DBErrors == 0 || !s.DBDown {
			t.Fatalf("with PostgreSQL down: %+v, want 120 records spooled over several files and database errors", s)
		}
		if !strings.Contains(logs.String(), "PostgreSQL write failed; results go to the disk spool") {
			t.Fatalf("the outage is not in the log:\n%s", logs.String())
		}

		pg.Start()
		o.add(deals(1, 131, 140)...)
		waitFor(t, 20*time.Second, "the spool to be replayed", func() bool {
			return o.len() == 0 && w.Stats().Spool == (SpoolStats{})
		})
		mustCount(t, st, 140)
		// Deals that end while the writer still backs off go to the spool
		// too; whatever was spooled is replayed.
		if s := w.Stats(); s.Spooled < 120 || s.Replayed != s.Spooled || s.Written+s.Spooled != 140 || s.DBDown {
			t.Fatalf("after the outage: %+v, want every spooled deal replayed and the database up", s)
		}
		if !strings.Contains(logs.String(), "spool file replayed into PostgreSQL") {
			t.Fatalf("the replay is not in the log:\n%s", logs.String())
		}
	})

	t.Run("a leader killed after spooling: replaying its spool later adds nothing twice", func(t *testing.T) {
		st := mustOpenStore(t, pg.NewDatabase())
		o := &outbox{}
		o.add(deals(1, 1, 20)...)
		o.fail = errors.New("raftnode: outcome unknown")
		var logs logBuffer
		oldSpool := mustOpenSpool(t, t.TempDir(), 0)
		pg.Stop()
		w1 := testWriter(o, oldSpool, st, &logs)
		stop1 := run(w1.RunLeader)
		waitFor(t, 10*time.Second, "a spooled batch", func() bool { return w1.Stats().Spooled == 20 && w1.Stats().ProposeErrors > 0 })
		stop1()
		pg.Start()
		o.mu.Lock()
		o.fail = nil
		o.mu.Unlock()
		w2 := testWriter(o, mustOpenSpool(t, t.TempDir(), 0), st, &logs)
		stop2 := run(w2.RunLeader)
		defer stop2()
		waitFor(t, 10*time.Second, "an empty outbox", func() bool { return o.len() == 0 })
		mustCount(t, st, 20)
		// The old leader comes back as a follower and replays its spool.
		stopReplay := run(w1.RunReplay)
		defer stopReplay()
		waitFor(t, 10*time.Second, "the old spool to be replayed", func() bool { return oldSpool.Stats() == (SpoolStats{}) })
		mustCount(t, st, 20)
		if s := w1.Stats(); s.Replayed != 20 || s.NewRows != 0 {
			t.Fatalf("old spool: %d replayed, %d new; want 20 replayed, none new", s.Replayed, s.NewRows)
		}
	})
}

// TestWriterFullDisk: PostgreSQL is down and the disk under the spool is
// full. The results stay in the replicated outbox, the log says why, and
// once there is space again (and later the database) every deal is stored.
func TestWriterFullDisk(t *testing.T) {
	pg := pgtest.Start(t)
	st := mustOpenStore(t, pg.NewDatabase())
	disk := tinyDisk(t, 64<<10)
	sp := mustOpenSpool(t, disk, 0)
	filler := fill(t, disk)
	pg.Stop()

	o := &outbox{}
	o.add(deals(1, 1, 50)...)
	var logs logBuffer
	w := testWriter(o, sp, st, &logs)
	stopLeader, stopReplay := run(w.RunLeader), run(w.RunReplay)
	defer stopLeader()
	defer stopReplay()
	waitFor(t, 10*time.Second, "repeated spool errors", func() bool { return w.Stats().SpoolErrors >= 3 })
	if n := o.len(); n != 50 || o.proposed != 0 {
		t.Fatalf("outbox holds %d results after %d proposals, want all 50 and none proposed", n, o.proposed)
	}
	log := logs.String()
	if !strings.Contains(log, "no space left on device") || !strings.Contains(log, "they stay in the replicated outbox") {
		t.Fatalf("the log does not say what happened:\n%s", log)
	}

	if err := removeFile(filler); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the outbox to drain into the spool", func() bool { return o.len() == 0 })
	if s := w.Stats(); s.Spool.Records != 50 {
		t.Fatalf("spool holds %d records, want 50", s.Spool.Records)
	}
	pg.Start()
	waitFor(t, 20*time.Second, "the spool to be replayed", func() bool { return w.Stats().Spool == (SpoolStats{}) })
	mustCount(t, st, 50)
}

// TestWriterHungDatabase: a database that accepts connections and never
// answers costs the writer its write timeout, then the results go to the
// spool; the outbox drains regardless.
func TestWriterHungDatabase(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	st := mustOpenStore(t, "postgres://x@"+ln.Addr().String()+"/db?sslmode=disable")
	o := &outbox{}
	o.add(deals(1, 1, 30)...)
	var logs logBuffer
	w := NewWriter(Config{
		Store: st, Spool: mustOpenSpool(t, t.TempDir(), 0), Outbox: o.Outbox, Propose: o.Propose,
		Poll: 5 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, Logger: logs.logger(),
	})
	stop := run(w.RunLeader)
	defer stop()
	waitFor(t, 10*time.Second, "the outbox to drain into the spool", func() bool { return o.len() == 0 })
	if s := w.Stats(); s.Spooled != 30 || s.DBErrors == 0 {
		t.Fatalf("stats %+v, want 30 spooled after a timed-out write", s)
	}
}
