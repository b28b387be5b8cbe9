package results

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"tableraft/fsm"
)

// Config wires a Writer. Outbox, Propose and Spool are required.
type Config struct {
	// Store is the PostgreSQL database. Nil runs without one: results
	// live in the spool, which then is the record (see DESIGN.md).
	Store *Store
	// Spool is this node's disk fallback.
	Spool *Spool
	// Outbox reads the replicated outbox, oldest first (fsm.FSM.Outbox).
	Outbox func() []fsm.Result
	// Propose proposes a command through this node, which must lead, and
	// returns once it is applied here (raftnode.Node.ProposeCommand).
	Propose func(ctx context.Context, cmd fsm.Command) error

	// BatchSize is the most results written in one transaction and
	// confirmed by one ResultStored (default 100).
	BatchSize int
	// Poll is how often an empty outbox is looked at again (default 50ms).
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts while
	// PostgreSQL or the spool fails; it doubles from min to max (defaults
	// 100ms and 5s).
	MinBackoff, MaxBackoff time.Duration
	// WriteTimeout bounds one database transaction (default 5s).
	WriteTimeout time.Duration
	// ReplayEvery is how often the spool is checked for records to replay
	// (default 1s); a database that comes back also triggers a replay.
	ReplayEvery time.Duration
	// Pause, for tests only, holds the writer between making a batch
	// durable and proposing its ResultStored, and logs both moments at
	// info level, so that a test can kill the leader in the middle of a
	// drain.
	Pause time.Duration

	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	def(&c.Poll, 50*time.Millisecond)
	def(&c.MinBackoff, 100*time.Millisecond)
	def(&c.MaxBackoff, 5*time.Second)
	def(&c.WriteTimeout, 5*time.Second)
	def(&c.ReplayEvery, time.Second)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// replayChunk is how many spooled results one replay transaction holds.
const replayChunk = 500

// Writer moves finished deals from the replicated outbox to PostgreSQL, or
// to the disk spool while the database fails, and replays the spool when
// the database is back. RunLeader is the leader-only duty; RunReplay runs
// on every node for the node's lifetime. Stats is safe to call at any time.
type Writer struct {
	cfg  Config
	log  *slog.Logger
	db   health
	wake chan struct{} // the database is back: replay now

	written, newRows, spooled, replayed, confirmed atomic.Uint64
	dbErrors, spoolErrors, proposeErrors           atomic.Uint64
	dbLatency, spoolLatency                        latency
}

// NewWriter returns a writer; nothing runs until RunLeader or RunReplay.
func NewWriter(cfg Config) *Writer {
	cfg = cfg.withDefaults()
	return &Writer{cfg: cfg, log: cfg.Logger.With("component", "results"), wake: make(chan struct{}, 1)}
}

// RunLeader drains the outbox until ctx ends: a raftnode duty, so ctx ends
// the moment this node stops leading, and the next leader's writer starts
// only after raft says so (see DESIGN.md on fencing). Each batch is made
// durable first, in PostgreSQL or else in the spool, and only then removed
// from the outbox by a ResultStored proposal; if the proposal's outcome is
// unknown, the batch stays in the outbox and is confirmed again (not
// written again) by this term, or written again idempotently by the next
// leader. When neither PostgreSQL nor the spool takes a batch (a full
// disk), it stays in the outbox, the error is logged, and the writer
// retries with backoff.
func (w *Writer) RunLeader(ctx context.Context) {
	log := w.log.With("duty", "results")
	st := w.cfg.Spool.Stats()
	log.Info("result writer started", "outbox", len(w.cfg.Outbox()), "postgres", w.cfg.Store != nil,
		"spool_records", st.Records, "spool_bytes", st.Bytes)
	defer log.Info("result writer stopped")
	// durable: results of this term already in PostgreSQL or the spool
	// whose ResultStored has not applied yet, with where they went.
	durable := map[string]string{}
	var stuck backoff
	for {
		out := w.cfg.Outbox()
		if len(out) == 0 {
			clear(durable)
			if !sleep(ctx, w.cfg.Poll) {
				return
			}
			continue
		}
		if len(durable) > 0 {
			pruneDurable(durable, out)
		}
		batch := out[:min(len(out), w.cfg.BatchSize)]
		var todo []fsm.Result
		for _, r := range batch {
			if _, ok := durable[r.GameID]; !ok {
				todo = append(todo, r)
			}
		}
		where := "earlier"
		if len(todo) > 0 {
			var err error
			where, err = w.persist(ctx, todo)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				d := stuck.fail(w.cfg.MinBackoff, w.cfg.MaxBackoff)
				log.Error("results could not be stored in PostgreSQL or the spool; they stay in the replicated outbox",
					"err", err, "outbox", len(out), "retry_in", d)
				if !sleep(ctx, d) {
					return
				}
				continue
			}
			stuck.reset()
			for _, r := range todo {
				durable[r.GameID] = where
			}
		}
		ids := make([]string, len(batch))
		for i, r := range batch {
			ids[i] = r.GameID
		}
		if w.cfg.Pause > 0 {
			log.Info("results durable", "where", where, "count", len(ids), "first", ids[0], "pause", w.cfg.Pause)
			if !sleep(ctx, w.cfg.Pause) {
				return
			}
		}
		if err := w.cfg.Propose(ctx, fsm.Command{Op: fsm.OpResultStored, GameIDs: ids}); err != nil {
			if ctx.Err() != nil {
				return
			}
			w.proposeErrors.Add(1)
			log.Warn("resultStored proposal failed; the results stay in the outbox and are confirmed again", "err", err, "count", len(ids))
			if !sleep(ctx, w.cfg.Poll) {
				return
			}
			continue
		}
		w.confirmed.Add(uint64(len(ids)))
		for _, id := range ids {
			delete(durable, id)
		}
		lvl := slog.LevelDebug
		if w.cfg.Pause > 0 {
			lvl = slog.LevelInfo
		}
		log.Log(ctx, lvl, "results confirmed", "where", where, "count", len(ids), "first", ids[0])
	}
}

// pruneDurable forgets results that have left the outbox (a ResultStored
// whose outcome was unknown did commit).
func pruneDurable(durable map[string]string, out []fsm.Result) {
	in := make(map[string]bool, len(out))
	for _, r := range out {
		in[r.GameID] = true
	}
	for id := range durable {
		if !in[id] {
			delete(durable, id)
		}
	}
}

// persist makes rs durable: in PostgreSQL when it is configured and not
// known to be down, else in the spool. It says where.
func (w *Writer) persist(ctx context.Context, rs []fsm.Result) (string, error) {
	if w.cfg.Store != nil && w.db.ready(time.Now()) {
		if _, err := w.insert(ctx, rs); err == nil {
			w.written.Add(uint64(len(rs)))
			return "postgres", nil
		} else if ctx.Err() != nil {
			return "", err
		}
	}
	t0 := time.Now()
	if err := w.cfg.Spool.Append(rs); err != nil {
		w.spoolErrors.Add(1)
		return "", err
	}
	w.spoolLatency.add(time.Since(t0))
	w.spooled.Add(uint64(len(rs)))
	w.log.Debug("results spooled", "count", len(rs), "first", rs[0].GameID)
	return "spool", nil
}

// insert writes rs to PostgreSQL in one transaction and keeps the
// database's health: a failure (other than ctx ending) starts or extends
// the backoff, a success after failures ends it and wakes the replay.
func (w *Writer) insert(ctx context.Context, rs []fsm.Result) (int, error) {
	tctx, cancel := context.WithTimeout(ctx, w.cfg.WriteTimeout)
	t0 := time.Now()
	n, err := w.cfg.Store.Insert(tctx, rs)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return 0, err
		}
		w.dbErrors.Add(1)
		d, failures := w.db.failed(time.Now(), w.cfg.MinBackoff, w.cfg.MaxBackoff)
		w.log.Warn("PostgreSQL write failed; results go to the disk spool until it is back",
			"err", err, "failures", failures, "retry_in", d)
		return 0, err
	}
	w.dbLatency.add(time.Since(t0))
	w.newRows.Add(uint64(n))
	if n < len(rs) {
		w.log.Info("results already stored were skipped (written before by another leader or a replay)",
			"skipped", len(rs)-n, "count", len(rs), "first", rs[0].GameID)
	}
	if w.db.ok() {
		w.log.Info("PostgreSQL is reachable again; replaying the spool")
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	return n, nil
}

// RunReplay moves this node's spool into PostgreSQL whenever the spool
// holds records and the database answers, until ctx ends. It runs on every
// node, leader or not: a spool is one node's disk, only that node can read
// it, and the inserts are idempotent. Without a Store it returns at once.
func (w *Writer) RunReplay(ctx context.Context) {
	if w.cfg.Store == nil {
		return
	}
	tick := time.NewTicker(w.cfg.ReplayEvery)
	defer tick.Stop()
	for {
		if w.cfg.Spool.Stats().Files > 0 && w.db.ready(time.Now()) {
			w.replay(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.wake:
		}
	}
}

// replay inserts every sealed spool file and removes each once all its
// records are in the database. It stops at the first failure: the rest
// stays on disk for the next attempt.
func (w *Writer) replay(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, w.cfg.WriteTimeout)
	err := w.cfg.Store.Ping(pctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			w.dbErrors.Add(1)
			d, failures := w.db.failed(time.Now(), w.cfg.MinBackoff, w.cfg.MaxBackoff)
			w.log.Debug("spool replay: PostgreSQL does not answer", "err", err, "failures", failures, "retry_in", d)
		}
		return
	}
	for _, path := range w.cfg.Spool.Seal() {
		rs, _, err := ReadSpoolFile(path)
		corrupt := errors.Is(err, ErrSpoolCorrupt)
		if err != nil && !corrupt {
			w.log.Error("spool replay: cannot read a spool file; it stays", "file", path, "err", err)
			return
		}
		fresh := 0
		for i := 0; i < len(rs); i += replayChunk {
			n, err := w.insert(ctx, rs[i:min(i+replayChunk, len(rs))])
			if err != nil {
				return
			}
			fresh += n
		}
		w.replayed.Add(uint64(len(rs)))
		if corrupt {
			w.log.Error("spool replay: the file has corrupt lines; its readable records are stored, the file is kept as .bad", "file", path, "err", err)
			err = w.cfg.Spool.Quarantine(path)
		} else {
			err = w.cfg.Spool.Remove(path)
		}
		if err != nil {
			w.log.Error("spool replay: cannot remove a replayed file (replaying it again is harmless)", "file", path, "err", err)
			return
		}
		w.log.Info("spool file replayed into PostgreSQL", "file", path, "records", len(rs), "new", fresh)
	}
}

// Stats is the writer's state, for logs, status and metrics.
type Stats struct {
	// OutboxLen is the replicated outbox's length now.
	OutboxLen int
	// Spool is this node's spool now.
	Spool SpoolStats
	// DBDown is true while PostgreSQL is in backoff after failures.
	DBDown bool
	// Written counts results the leader wrote to PostgreSQL from the
	// outbox; NewRows those that were not there yet (the rest were
	// already stored by an earlier leader or replay).
	Written, NewRows uint64
	// Spooled counts results appended to the spool; Replayed those later
	// moved from the spool to PostgreSQL.
	Spooled, Replayed uint64
	// Confirmed counts results removed from the outbox by ResultStored.
	Confirmed uint64
	// DBErrors, SpoolErrors, ProposeErrors count failed database
	// transactions or pings, spool appends and ResultStored proposals.
	DBErrors, SpoolErrors, ProposeErrors uint64
	// DBWrites is the latency of successful database transactions;
	// SpoolWrites of successful spool appends (write + fsync).
	DBWrites, SpoolWrites Latency
}

// Stats returns the writer's counters and gauges.
func (w *Writer) Stats() Stats {
	return Stats{
		OutboxLen: len(w.cfg.Outbox()), Spool: w.cfg.Spool.Stats(), DBDown: w.db.down(),
		Written: w.written.Load(), NewRows: w.newRows.Load(), Spooled: w.spooled.Load(),
		Replayed: w.replayed.Load(), Confirmed: w.confirmed.Load(),
		DBErrors: w.dbErrors.Load(), SpoolErrors: w.spoolErrors.Load(), ProposeErrors: w.proposeErrors.Load(),
		DBWrites: w.dbLatency.get(), SpoolWrites: w.spoolLatency.get(),
	}
}

// Latency summarizes the durations of one kind of write.
type Latency struct {
	Count      uint64
	Total, Max time.Duration
	Last       time.Duration
}

type latency struct {
	mu sync.Mutex
	l  Latency
}

func (l *latency) add(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.l.Count++
	l.l.Total += d
	l.l.Last = d
	l.l.Max = max(l.l.Max, d)
}

func (l *latency) get() Latency {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.l
}

// health remembers whether the database failed lately and when to try it
// again. Both of a node's loops consult it, so an outage costs one failed
// attempt per backoff period, not one per batch.
type health struct {
	mu   sync.Mutex
	b    backoff
	next time.Time
}

func (h *health) ready(now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !now.Before(h.next)
}

func (h *health) down() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.b.failures > 0
}

// failed records a failure and returns the wait before the next attempt.
func (h *health) failed(now time.Time, lo, hi time.Duration) (time.Duration, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.b.fail(lo, hi)
	h.next = now.Add(d)
	return d, h.b.failures
}

// ok records a success and reports whether the database was down before.
func (h *health) ok() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	was := h.b.failures > 0
	h.b.reset()
	h.next = time.Time{}
	return was
}

// backoff doubles a wait from lo up to hi with each failure.
type backoff struct{ failures int }

func (b *backoff) fail(lo, hi time.Duration) time.Duration {
	b.failures++
	d := lo
	for i := 1; i < b.failures && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

func (b *backoff) reset() { b.failures = 0 }

// sleep waits d or until ctx ends; false means ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// RunReport logs the writer's state every period while there is
// something to tell (results waiting in the outbox, or in the spool for a
// database, or new errors), until ctx ends. Without a database the spool
// is the record, not a backlog, and is not reported.
func (w *Writer) RunReport(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var lastErrs uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s := w.Stats()
		errs := s.DBErrors + s.SpoolErrors + s.ProposeErrors
		backlog := s.Spool.Records
		if w.cfg.Store == nil {
			backlog = 0
		}
		if s.OutboxLen == 0 && backlog == 0 && errs == lastErrs {
			continue
		}
		lastErrs = errs
		var avg time.Duration
		if s.DBWrites.Count > 0 {
			avg = s.DBWrites.Total / time.Duration(s.DBWrites.Count)
		}
		w.log.Info("results status", "outbox", s.OutboxLen, "spool_records", s.Spool.Records, "spool_bytes", s.Spool.Bytes,
			"db_down", s.DBDown, "db_errors", s.DBErrors, "spool_errors", s.SpoolErrors, "propose_errors", s.ProposeErrors,
			"written", s.Written, "spooled", s.Spooled, "replayed", s.Replayed, "write_latency_avg", avg, "write_latency_max", s.DBWrites.Max)
	}
}
