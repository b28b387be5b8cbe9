// Package autoplay plays a player's seats over the wire with a
// client.Client: it answers every prompt addressed to the player with a
// legal move taken from the prompt itself (the server's legal list), so it
// knows nothing but what the player may see. Tests and the load generator
// use it to drive real sessions.
package autoplay

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"tableraft/transport/client"
	"tableraft/transport/codec"
)

// Player answers prompts for one client. Run reads the client's messages;
// OnMessage, when set, sees every message first (recorders, assertions).
type Player struct {
	C         *client.Client
	OnMessage func(client.Message)
	// Timeout bounds each move's trip (Do).
	Timeout time.Duration

	strategy *Strategy
	mu       sync.Mutex
	deal     map[int64]int // dealResult events seen per table
	errs     map[string]int
	sent     int
	acks     []Ack
	wg       sync.WaitGroup
}

// Ack is one of the player's moves that the server acknowledged.
type Ack struct {
	Table int64
	Seq   int64
	Event int64 // the table's last event when the move was committed
	Cmd   codec.GameCommand
	// At is when the ack arrived; Latency is the time from sending the
	// move to its ack.
	At      time.Time
	Latency time.Duration
	// Node is the node that acknowledged the move.
	Node string
}

// New returns a player for c (welcomed: Dial returns after the welcome,
// which names the player); seed makes its choices repeatable. It
// announces the first option offered three times in ten (Schafkopf).
func New(c *client.Client, seed uint64) *Player {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &Player{C: c, Timeout: 30 * time.Second, strategy: NewStrategy(c.Player(), 0.3, rng),
		deal: map[int64]int{}, errs: map[string]int{}}
}

// Run plays until the client's messages end or ctx ends, then waits for
// the moves in flight.
func (p *Player) Run(ctx context.Context) {
	defer p.wg.Wait()
	msgs := p.C.Messages()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			if p.OnMessage != nil {
				p.OnMessage(m)
			}
			p.handle(ctx, m)
		}
	}
}

// Results returns how many deal results the player has seen at table.
func (p *Player) Results(table int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deal[table]
}

// Errors returns the refusals the player's moves got, by code (moves
// overtaken by a turn timer are refused, for example).
func (p *Player) Errors() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.errs))
	for k, v := range p.errs {
		out[k] = v
	}
	return out
}

// Acks returns the moves the server acknowledged, in the order the acks
// arrived.
func (p *Player) Acks() []Ack {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Ack(nil), p.acks...)
}

// AckCount returns how many moves the server has acknowledged so far.
func (p *Player) AckCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.acks)
}

// AcksSince returns the acknowledged moves from the from-th on (Acks()[from:]
// without copying the ones before: watchers that poll keep their place).
func (p *Player) AcksSince(from int) []Ack {
	p.mu.Lock()
	defer p.mu.Unlock()
	if from >= len(p.acks) {
		return nil
	}
	return append([]Ack(nil), p.acks[from:]...)
}

// Sent returns how many moves the player has sent.
func (p *Player) Sent() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent
}

// handle counts deal results and answers what the strategy answers.
func (p *Player) handle(ctx context.Context, m client.Message) {
	if m.Type == "dealResult" {
		p.mu.Lock()
		p.deal[m.Table]++
		p.mu.Unlock()
	}
	if cmd, ok := p.strategy.Answer(m); ok {
		p.act(ctx, m.Table, cmd)
	}
}

// act sends cmd at table without waiting for the answer in the message
// loop (the answer arrives through it).
func (p *Player) act(ctx context.Context, table int64, cmd codec.GameCommand) {
	p.mu.Lock()
	p.sent++
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ctx, cancel := context.WithTimeout(ctx, p.Timeout)
		defer cancel()
		start := time.Now()
		ack, err := p.C.Do(ctx, client.Command(table, cmd))
		if err == nil {
			now := time.Now()
			p.mu.Lock()
			p.acks = append(p.acks, Ack{Table: table, Seq: ack.Seq, Event: ack.Event, Cmd: cmd, At: now, Latency: now.Sub(start), Node: ack.From})
			p.mu.Unlock()
		}
		if err != nil {
			code := "transport"
			if ce, ok := err.(*client.Error); ok {
				code = ce.Code
			}
			p.mu.Lock()
			p.errs[code]++
			p.mu.Unlock()
		}
	}()
}
