package bot

import (
	"fmt"

	"tableraft/game"
)

// Player seats a bot in every seat of a table and keeps one view per seat,
// reused from move to move so that playing allocates little. A Player is
// not safe for concurrent use.
type Player struct {
	views []game.View
}

// Next returns the action the bots would take next at t: the seat to act
// moves first; in windows where several seats answer (the knock window) the
// lowest seat with something to do moves. When no bot wants to act but a
// timer is armed, the timer fires. False means nothing can happen (the
// table is idle).
func (p *Player) Next(t *game.Table, now int64) (game.Action, bool) {
	if !t.Playing() {
		return game.Action{}, false
	}
	if len(p.views) != t.Seats() {
		p.views = make([]game.View, t.Seats())
	}
	prompt := t.Prompt()
	if prompt.Turn >= 0 {
		if cmd, ok := p.choose(t, prompt.Turn); ok {
			return game.Action{Seat: prompt.Turn, Cmd: cmd, Now: now}, true
		}
	}
	for seat := 0; seat < t.Seats(); seat++ {
		if seat == prompt.Turn {
			continue
		}
		if cmd, ok := p.choose(t, seat); ok {
			return game.Action{Seat: seat, Cmd: cmd, Now: now}, true
		}
	}
	if prompt.Deadline != 0 {
		return game.Action{Seat: game.SystemSeat, Cmd: game.Timeout{Serial: prompt.Serial}, Now: prompt.Deadline}, true
	}
	return game.Action{}, false
}

func (p *Player) choose(t *game.Table, seat int) (game.Command, bool) {
	v := &p.views[seat]
	t.ViewInto(seat, v)
	return Choose(v)
}

// Next is Player.Next for a one-off question.
func Next(t *game.Table, now int64) (game.Action, bool) {
	var p Player
	return p.Next(t, now)
}

// PlayDeal starts a deal at the idle table t with seed and lets bots play
// it to the end, one second of table time per action. It returns every
// event of the deal. An error means the engine refused a bot's legal move
// or the deal did not end within maxSteps: both are bugs.
func PlayDeal(t *game.Table, seed game.Seed, now int64, maxSteps int) ([]game.Event, error) {
	events, err := t.Handle(game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{Seed: seed}, Now: now})
	if err != nil {
		return nil, fmt.Errorf("start deal: %w", err)
	}
	var p Player
	for step := 0; t.Playing(); step++ {
		if step == maxSteps {
			return events, fmt.Errorf("deal %d did not end within %d steps", t.DealNo(), maxSteps)
		}
		now += 1000
		a, ok := p.Next(t, now)
		if !ok {
			return events, fmt.Errorf("deal %d is stuck in stage %s", t.DealNo(), t.StageName())
		}
		if a.Now > now {
			now = a.Now
		}
		evs, err := t.Handle(a)
		if err != nil {
			return events, fmt.Errorf("seat %d %s refused in stage %s: %w", a.Seat, a.Cmd.Name(), t.StageName(), err)
		}
		events = append(events, evs...)
	}
	return events, nil
}
