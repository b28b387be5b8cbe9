package fsm

import "tableraft/game"

// The reads below serve the leader's player border (transport/session):
// a fast answer before a proposal. They never replace Apply, which stays
// the authority: the state may move between the check and the commit.

// CheckGame is the leader's pre-check of player's game command at table.
// resolve reads the client's card and suit codes with the table's
// notation. It returns the resolved command and nil when Apply would
// accept it now, or the refusal Apply would give: unknownTable, notSeated
// (no seat, or the player left it), resolve's error (badCard), or the
// game's refusal. A command in the seat's legal list is accepted without
// more work; any other is tried on a copy of the table, so the answer
// carries the game's exact code. Nothing changes.
func (f *FSM) CheckGame(table int64, player string, now int64, resolve func(game.Notation) (game.Command, error)) (game.Command, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t := f.s.Tables[table]
	if t == nil {
		return nil, refuse(ErrUnknownTable, "table %d does not exist", table)
	}
	seat := t.seatOf(player)
	if seat < 0 || t.Seats[seat].Away {
		return nil, refuse(ErrNotSeated, "you have no seat at table %d", table)
	}
	cmd, err := resolve(t.Table.Notation())
	if err != nil {
		return nil, err
	}
	for _, l := range t.Table.Legal(seat) {
		if l == cmd {
			return cmd, nil
		}
	}
	_, err = t.Table.Clone().Handle(game.Action{Seat: seat, Cmd: cmd, Now: now})
	return cmd, err
}

// Recorded returns the outcome Apply recorded for (player, seq), if the
// player's dedup window holds it: a retried command is answered from it
// without a proposal.
func (f *FSM) Recorded(player string, seq uint64) (Outcome, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	w := f.s.Windows[player]
	if w == nil || brokenDedup.Load() {
		return Outcome{}, false
	}
	o, found, _ := w.lookup(seq)
	return o, found
}

// LastSeq returns the highest seq recorded for player, 0 when none: a
// client that lost its counter continues above it.
func (f *FSM) LastSeq(player string) uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	w := f.s.Windows[player]
	if w == nil || len(w.Outcomes) == 0 {
		return 0
	}
	return w.Outcomes[len(w.Outcomes)-1].Seq
}
