// Package bench is tablebench's load: bot players that connect over
// WebSocket or TCP with the Go client (transport/client), sit down at
// tables, and answer every prompt with a legal move after a think time.
// Each player writes down every request with its outcome and every event
// it received (package record); Stats times the acks.
package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"tableraft/cmd/tablebench/internal/record"
	"tableraft/transport/client"
	"tableraft/transport/client/autoplay"
	"tableraft/transport/codec"
)

// Config configures a load.
type Config struct {
	// WS and TCP are the addresses of each transport (ws://host/ws,
	// tcp://host); players alternate between the transports given.
	WS, TCP []string
	// Tables is how many tables to seat.
	Tables int
	// Game is "schafkopf", "schnapsen" or "mix" (alternating).
	Game string
	// Humans is the connected players a table (1 or 2); the other seats
	// are server bots.
	Humans int
	// Think is each player's pause before a move.
	Think time.Duration
	// Token returns the name and token of player i.
	Token func(ctx context.Context, i int) (player, token string, err error)
	// IgnoreHints: behind haproxy the clients dial only the given
	// addresses.
	IgnoreHints bool
	// MoveTimeout bounds one request's wait (default 30 s): past it the
	// outcome is unknown.
	MoveTimeout time.Duration
	// TurnTimeoutMs is the tables' turn timer (0: the server's default).
	TurnTimeoutMs int64
	// Impatience is the share of moves sent with ImpatientTimeout instead
	// of MoveTimeout: a move that times out is given up (its outcome is
	// unknown: it may have been applied), as a client that gives up
	// would. The chaos run uses it so that unknown outcomes occur.
	Impatience       float64
	ImpatientTimeout time.Duration
	// Mischief is the chance that a player answers another seat's card
	// with a move of its own out of turn (a pass), which must be refused
	// and change nothing.
	Mischief float64
	Seed     uint64
	Log      *slog.Logger
}

// Load is a running set of players.
type Load struct {
	cfg     Config
	Stats   *Stats
	players []*Player
	stop    atomic.Bool
	deals   atomic.Int64
	cancel  context.CancelFunc
	wg      sync.WaitGroup // the players' loops
	moves   sync.WaitGroup // the moves in flight
}

// Start connects the players, seats every table and starts play. It
// returns once every table is seated.
func Start(ctx context.Context, cfg Config) (*Load, error) {
	if cfg.MoveTimeout <= 0 {
		cfg.MoveTimeout = 30 * time.Second
	}
	if cfg.Humans < 1 || cfg.Humans > 2 {
		cfg.Humans = 2
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	var transports [][]string
	if len(cfg.WS) > 0 {
		transports = append(transports, cfg.WS)
	}
	if len(cfg.TCP) > 0 {
		transports = append(transports, cfg.TCP)
	}
	if len(transports) == 0 {
		return nil, errors.New("bench: no address")
	}
	l := &Load{cfg: cfg}
	l.Stats = newStats(l.reconnects)
	runCtx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	sem := make(chan struct{}, 32) // bounded parallel seating
	errs := make(chan error, cfg.Tables)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for t := 0; t < cfg.Tables; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ps, err := l.seat(ctx, runCtx, t, transports)
			mu.Lock()
			l.players = append(l.players, ps...)
			mu.Unlock()
			errs <- err
		}(t)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			l.Close()
			return nil, err
		}
	}
	l.Stats.Reset()
	return l, nil
}

// seat connects table t's players: the first creates the table, the
// others join it.
func (l *Load) seat(ctx, runCtx context.Context, t int, transports [][]string) ([]*Player, error) {
	game := l.cfg.Game
	if game == "mix" || game == "" {
		game = []string{"schafkopf", "schnapsen"}[t%2]
	}
	seats := 4
	if game == "schnapsen" {
		seats = 2
	}
	var out []*Player
	var table int64
	for h := 0; h < l.cfg.Humans; h++ {
		i := t*2 + h
		name, tok, err := l.cfg.Token(ctx, i)
		if err != nil {
			return out, fmt.Errorf("bench: token: %w", err)
		}
		addrs := transports[i%len(transports)]
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		c, err := client.Dial(dctx, client.Config{Addrs: addrs, Token: tok, MinBackoff: 20 * time.Millisecond,
			MaxBackoff: 500 * time.Millisecond, Buffer: 4096, IgnoreHints: l.cfg.IgnoreHints})
		cancel()
		if err != nil {
			return out, fmt.Errorf("bench: dial %s: %w", name, err)
		}
		p := &Player{name: name, c: c, l: l, creator: h == 0,
			strategy: autoplay.NewStrategy(name, 0.3, rand.New(rand.NewPCG(l.cfg.Seed, uint64(i))))}
		out = append(out, p)
		l.wg.Add(1)
		go func() { defer l.wg.Done(); p.run(runCtx) }()
		var req client.Request
		kind := "joinTable"
		if h == 0 {
			req, kind = client.CreateTable(game, seats-l.cfg.Humans, client.Options{TurnTimeoutMs: l.cfg.TurnTimeoutMs}), "createTable"
		} else {
			req = client.JoinTable(table)
		}
		ack, err := p.do(ctx, req, kind, table, codec.GameCommand{})
		if err != nil {
			return out, fmt.Errorf("bench: %s %s: %w", name, kind, err)
		}
		if h == 0 {
			table = ack.Table
		}
		p.table = table
	}
	return out, nil
}

// Quiesce stops new moves and waits (bounded by the move timeout) for
// the ones in flight to be answered.
func (l *Load) Quiesce() {
	l.stop.Store(true)
	l.moves.Wait()
}

// LeaveAll has every player leave its table (after Quiesce): a table
// closes once its deal in progress ends and no player is left, so the
// cluster comes to rest. It returns the first leave that failed.
func (l *Load) LeaveAll(ctx context.Context) error {
	var first error
	for _, p := range l.players {
		if p.table == 0 {
			continue
		}
		if _, err := p.do(ctx, client.LeaveTable(p.table), "leaveTable", p.table, codec.GameCommand{}); err != nil && first == nil {
			first = fmt.Errorf("bench: %s leaves table %d: %w", p.name, p.table, err)
		}
	}
	return first
}

// Close stops the players and disconnects them.
func (l *Load) Close() {
	l.stop.Store(true)
	l.cancel()
	l.moves.Wait()
	for _, p := range l.players {
		p.c.Close()
	}
	l.wg.Wait()
}

func (l *Load) reconnects() int {
	n := 0
	for _, p := range l.players {
		n += p.c.Reconnects()
	}
	return n
}

// Deals counts the deal results seen (one a table).
func (l *Load) Deals() int64 { return l.deals.Load() }

// Players returns the players.
func (l *Load) Players() []*Player { return l.players }

// Ops returns every request of every player.
func (l *Load) Ops() []record.Op {
	return gather(l.players, func(p *Player) []record.Op { return p.ops })
}

// Seen returns every table event every player received.
func (l *Load) Seen() []record.Seen {
	return gather(l.players, func(p *Player) []record.Seen { return p.seen })
}

// gather appends what part returns for every player, each under its lock.
func gather[T any](players []*Player, part func(*Player) []T) []T {
	var out []T
	for _, p := range players {
		p.mu.Lock()
		out = append(out, part(p)...)
		p.mu.Unlock()
	}
	return out
}

// Player is one connected bot player.
type Player struct {
	name    string
	creator bool  // counts the table's deals
	table   int64 // the table the player sat down at
	c       *client.Client
	l       *Load
	// strategy is the bots' (transport/client/autoplay): seats, prompts,
	// and the seeded source of every choice.
	strategy *autoplay.Strategy

	mu   sync.Mutex
	ops  []record.Op
	seen []record.Seen
	acks []time.Time // when each game move's ack arrived
}

// Name is the player's name.
func (p *Player) Name() string { return p.name }

// AckTimes returns when each of the player's moves was acked.
func (p *Player) AckTimes() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.acks...)
}

// do sends req, waits for its answer and records the outcome.
func (p *Player) do(ctx context.Context, req client.Request, kind string, table int64, cmd codec.GameCommand) (client.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, p.l.cfg.MoveTimeout)
	defer cancel()
	return p.record(ctx, req, kind, table, cmd)
}

// doWithin is do with its own timeout and no other cancellation.
func (p *Player) doWithin(timeout time.Duration, req client.Request, kind string, table int64, cmd codec.GameCommand) (client.Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return p.record(ctx, req, kind, table, cmd)
}

// record sends req, waits for its answer within ctx and records it.
func (p *Player) record(ctx context.Context, req client.Request, kind string, table int64, cmd codec.GameCommand) (client.Message, error) {
	op := record.Op{Player: p.name, Kind: kind, Table: table, Cmd: cmd, Call: time.Now()}
	m, err := p.c.Do(ctx, req)
	var ce *client.Error
	switch {
	case err == nil:
		op.Return, op.Outcome, op.Seq, op.Event, op.AckTab = time.Now(), record.OK, m.Seq, m.Event, m.Table
	case errors.As(err, &ce):
		op.Return, op.Outcome, op.Seq, op.Code = time.Now(), record.Refused, m.Seq, ce.Code
	default:
		op.Outcome = record.Unknown
	}
	p.mu.Lock()
	p.ops = append(p.ops, op)
	if op.Outcome == record.OK && kind != "createTable" && kind != "joinTable" && kind != "leaveTable" {
		p.acks = append(p.acks, op.Return)
	}
	p.mu.Unlock()
	if kind != "createTable" && kind != "joinTable" && kind != "leaveTable" {
		switch op.Outcome {
		case record.OK:
			p.l.Stats.ack(op.Return.Sub(op.Call))
		case record.Refused:
			p.l.Stats.refused(op.Code)
		default:
			p.l.Stats.lost()
		}
	}
	return m, err
}

// run answers prompts until the messages end or ctx ends.
func (p *Player) run(ctx context.Context) {
	msgs := p.c.Messages()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			p.handle(ctx, m)
		}
	}
}

// handle records the table events and answers as autoplay's strategy
// does, with mischief: now and then an out-of-turn pass after another
// seat's card, which the server must refuse.
func (p *Player) handle(ctx context.Context, m client.Message) {
	if m.IsTableEvent() {
		p.mu.Lock()
		p.seen = append(p.seen, record.Seen{Player: p.name, Table: m.Table, Event: m.Event, Type: m.Type})
		p.mu.Unlock()
	}
	switch m.Type {
	case "cardPlayed":
		var e struct {
			Seat int `json:"seat"`
		}
		if m.Decode(&e) == nil && !p.strategy.Mine(m.Table, e.Seat) && p.l.cfg.Mischief > 0 && p.strategy.Chance(p.l.cfg.Mischief) {
			p.act(ctx, m.Table, codec.GameCommand{Name: "pass"})
		}
	case "dealResult":
		if p.creator {
			p.l.deals.Add(1)
		}
	}
	if cmd, ok := p.strategy.Answer(m); ok {
		p.act(ctx, m.Table, cmd)
	}
}

// act sends cmd after the think time, unless the load is stopping.
func (p *Player) act(ctx context.Context, table int64, cmd codec.GameCommand) {
	if p.l.stop.Load() {
		return
	}
	p.l.moves.Add(1)
	go func() {
		defer p.l.moves.Done()
		if p.l.cfg.Think > 0 {
			select {
			case <-time.After(p.l.cfg.Think):
			case <-ctx.Done():
				return
			}
		}
		if p.l.stop.Load() {
			return
		}
		timeout := p.l.cfg.MoveTimeout
		if p.l.cfg.Impatience > 0 && p.strategy.Chance(p.l.cfg.Impatience) {
			timeout = p.l.cfg.ImpatientTimeout
		}
		_, _ = p.doWithin(timeout, client.Command(table, cmd), cmd.Name, table, cmd)
	}()
}
