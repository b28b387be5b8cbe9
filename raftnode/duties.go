package raftnode

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Duty is leader-only work: timers that propose Timeout commands, the
// results writer, bots. Run is started on the leader once the FSM has
// applied every entry committed before this leadership began (a Barrier),
// with a context that is cancelled the moment leadership is lost or the
// node stops. Run must return soon after its context ends; the next
// leadership's duties do not start before every duty of the previous one
// has returned, so two generations never overlap on one node. A Run that
// returns early is not restarted until the next leadership.
//
// Across nodes, a deposed leader notices only when its lease runs out
// (LeaderLeaseTimeout), so for that long two nodes may run duties: a duty
// must act only through Propose, whose entries the new leader's log
// overrides or the FSM deduplicates.
type Duty struct {
	// Name appears in logs.
	Name string
	// Run does the work until ctx ends.
	Run func(ctx context.Context)
}

// AddDuty registers d for every future leadership of this node, and starts
// it at once if this node is leading now (after the Barrier). Duties are
// never removed; they end with the node.
func (n *Node) AddDuty(d Duty) {
	n.lead.add(d)
}

// barrierRetry paces Barrier attempts while raft is busy or the node is
// between "leadership lost" and the notification of it.
const barrierRetry = 20 * time.Millisecond

// leadership turns raft's leadership notifications into duty
// generations. Raft reports every transition on NotifyCh, in order, and
// blocks until the report is read (LeaderCh would coalesce a quick
// lost-and-regained into one value), so watch never blocks: it only
// cancels a term or hands a new one to run, which does the slow parts
// (waiting for the old duties, the Barrier) without holding raft up.
type leadership struct {
	n      *Node
	notify <-chan bool
	stopCh chan struct{}
	loops  sync.WaitGroup
	wake   chan struct{}

	mu      sync.Mutex
	duties  []Duty
	cur     *term // the leadership under way, nil when not leader
	pending *term // a leadership run has not picked up yet
	stopped bool
	gen     uint64
}

// term is one leadership of this node: its context and its duties.
type term struct {
	gen     uint64
	ctx     context.Context
	cancel  context.CancelFunc
	running bool // the Barrier passed and the duties were started
	wg      sync.WaitGroup
}

func newLeadership(n *Node, notify <-chan bool) *leadership {
	l := &leadership{n: n, notify: notify, stopCh: make(chan struct{}), wake: make(chan struct{}, 1)}
	l.loops.Add(2)
	go l.watch()
	go l.run()
	return l
}

// watch reads every leadership transition from raft.
func (l *leadership) watch() {
	defer l.loops.Done()
	for {
		select {
		case <-l.stopCh:
			return
		case leader := <-l.notify:
			l.mu.Lock()
			if l.cur != nil {
				l.cur.cancel()
				l.cur = nil
			}
			if leader && !l.stopped {
				l.gen++
				ctx, cancel := context.WithCancel(context.Background())
				l.cur = &term{gen: l.gen, ctx: ctx, cancel: cancel}
				l.pending = l.cur
				select {
				case l.wake <- struct{}{}:
				default:
				}
			}
			l.mu.Unlock()
			l.n.log.Info("leadership changed", "leader", leader, "term", l.n.raft.CurrentTerm())
		}
	}
}

// run starts each new leadership's duties once the previous ones have
// returned and the FSM has caught up with the log.
func (l *leadership) run() {
	defer l.loops.Done()
	var prev *term
	for {
		select {
		case <-l.stopCh:
			if prev != nil {
				prev.wg.Wait()
			}
			return
		case <-l.wake:
		}
		l.mu.Lock()
		t := l.pending
		l.pending = nil
		l.mu.Unlock()
		if t == nil {
			continue
		}
		if prev != nil {
			prev.wg.Wait() // already cancelled: a new term follows a loss
		}
		prev = t
		if !l.barrier(t) {
			continue
		}
		l.mu.Lock()
		if t.ctx.Err() == nil {
			t.running = true
			for _, d := range l.duties {
				l.start(t, d)
			}
			l.n.log.Info("leader duties started", "generation", t.gen, "duties", len(l.duties))
		}
		l.mu.Unlock()
	}
}

// barrier waits until the FSM has applied everything committed before
// this leadership, so duties read the state the new term starts from. It
// reports false when the leadership ended first.
func (l *leadership) barrier(t *term) bool {
	if grace := l.n.cfg.CatchUpGrace; grace > 0 {
		handOver := time.AfterFunc(grace, func() { l.handOver(t) })
		defer handOver.Stop()
	}
	for t.ctx.Err() == nil {
		err, ctxErr := waitFuture(t.ctx, l.n.raft.Barrier(l.n.cfg.ApplyTimeout))
		if ctxErr != nil {
			return false
		}
		if err == nil {
			return true
		}
		err = l.n.translate("barrier", err, true)
		if errors.Is(err, ErrShutdown) {
			return false
		}
		l.n.log.Debug("barrier failed; retrying while leader", "err", err)
		select {
		case <-t.ctx.Done():
		case <-time.After(barrierRetry):
		}
	}
	return false
}

// handOver gives leadership to another voter when this leadership is
// still applying its log after Config.CatchUpGrace: a follower that was
// serving has applied everything and serves at once, this node would
// serve nobody until its replay ends. Raft picks the most up-to-date
// follower; with none (a single node) it fails and this node stays.
func (l *leadership) handOver(t *term) {
	if t.ctx.Err() != nil {
		return
	}
	applied, last := l.n.raft.AppliedIndex(), l.n.raft.LastIndex()
	l.n.log.Warn("new leader still applying its log; handing leadership to a caught-up follower",
		"applied", applied, "last", last, "grace", l.n.cfg.CatchUpGrace)
	l.n.transfers.Add(1)
	defer l.n.transfers.Add(-1)
	if err := l.n.raft.LeadershipTransfer().Error(); err != nil {
		l.n.log.Info("hand-over failed; staying leader while applying", "err", err)
	}
}

// start runs d in t; l.mu must be held.
func (l *leadership) start(t *term, d Duty) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		d.Run(t.ctx)
		l.n.log.Debug("leader duty returned", "duty", d.Name, "generation", t.gen)
	}()
}

func (l *leadership) add(d Duty) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.duties = append(l.duties, d)
	if l.cur != nil && l.cur.running && l.cur.ctx.Err() == nil {
		l.start(l.cur, d)
	}
}

// stopping cancels the current leadership and refuses new ones; it is the
// first step of closing the node.
func (l *leadership) stopping() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.cur != nil {
		l.cur.cancel()
		l.cur = nil
	}
}

// wait ends both loops and waits for every duty to return. Call it after
// stopping, once raft is shut down (so nothing blocks on NotifyCh).
func (l *leadership) wait() {
	close(l.stopCh)
	l.loops.Wait()
}

// running reports whether this node's duties are running now (tests).
func (l *leadership) running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur != nil && l.cur.running
}
