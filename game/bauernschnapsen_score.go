package game

// bauernMatchTarget is the match-point total that wins a match (§11).
const bauernMatchTarget = 24

// bauernRetourAt is the total on which a team loses to a Retourschneider
// (§11, DECIDED 10).
const bauernRetourAt = 23

// The Bummerl a losing team gets (§11).
const (
	bauernBummerl         = 1
	bauernSchneider       = 2
	bauernRetourschneider = 4
)

// bauernResultStage scores the decided deal into the match and ends the
// deal. The match points live in Table.d.Balances per seat, both partners
// carrying their team's total; Bummerl likewise per seat.
type bauernResultStage struct{}

// Name is the stage's wire name.
func (bauernResultStage) Name() string { return "result" }

// Enter adds the deal's value (§9, §10: base × multiplier) to the winning
// team's total. At 24 or more the match is over: the other team gets its
// Bummerl (a Retourschneider on exactly 23 reached while the winners had
// 0, else a Schneider on 0, else one) and both totals restart at 0.
func (bauernResultStage) Enter(t *Table, _ int64) Step {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	m := t.d.Match.Bauernschnapsen
	winner, loser := b.WinnerTeam, 1-b.WinnerTeam
	r := BauernschnapsenResult{
		Game:        b.Contract,
		Declarer:    b.Declarer,
		Trump:       b.Trump,
		NoTrump:     !b.hasTrump(),
		WinnerTeam:  winner,
		Reason:      b.Reason,
		Value:       b.Value,
		Multiplier:  b.multiplier(),
		Scores:      append([]int(nil), b.Score...),
		Tricks:      []int{b.teamTricks(d, 0), b.teamTricks(d, 1)},
		Totals:      []int{t.d.Balances[0], t.d.Balances[1]},
		MatchWinner: -1,
	}
	r.MatchPoints = r.Value * r.Multiplier
	r.Totals[winner] += r.MatchPoints
	m.OppAtReach[winner] = r.Totals[loser]

	if r.Totals[winner] >= bauernMatchTarget {
		r.MatchWinner = winner
		switch {
		case r.Totals[loser] == bauernRetourAt && m.OppAtReach[loser] == 0:
			r.Retourschneider, r.Bummerl = true, bauernRetourschneider
		case r.Totals[loser] == 0:
			r.Schneider, r.Bummerl = true, bauernSchneider
		default:
			r.Bummerl = bauernBummerl
		}
		for seat := range t.d.Bummerl {
			if bauernTeam(seat) == loser {
				t.d.Bummerl[seat] += r.Bummerl
			}
			t.d.Balances[seat] = 0
		}
		m.OppAtReach[0], m.OppAtReach[1] = 0, 0
	} else {
		for seat := range t.d.Balances {
			t.d.Balances[seat] = r.Totals[bauernTeam(seat)]
		}
	}
	r.Bummerls = append([]int(nil), t.d.Bummerl...)
	t.emit(r)
	return End
}

// Handle refuses everything: the result takes no input.
func (bauernResultStage) Handle(*Table, Action) (Step, error) {
	return Stay, refuse(ErrWrongStage, "the deal is being scored")
}

// Legal is empty: nobody acts while the deal is scored.
func (bauernResultStage) Legal(_ *Table, _ int, out []Command) []Command { return out }
