package game

// schnapsenBummerlTarget is the game-point total that wins a Bummerl (§11).
const schnapsenBummerlTarget = 7

// schnapsenDecide records who won the deal, why and for how many game
// points (§10). reached is the seat whose score just reached 66, or -1
// when the last card was played without anybody reaching 66; then
// Deal.Leader is the winner of the last trick.
func schnapsenDecide(t *Table, reached int) {
	d := &t.d.Deal
	s := d.Schnapsen
	switch {
	case s.ClosedBy >= 0 && reached == s.ClosedBy:
		// §10.3: O's score and tricks at closing, not O's final ones.
		s.Winner, s.Reason = reached, ReasonCloserWon
		s.GamePoints = schnapsenGamePoints(s.OppScore, s.OppTricks)
	case s.ClosedBy >= 0:
		// §10.3: O reached 66 first, or C ran out of cards short of 66;
		// the last-trick rule does not apply.
		s.Winner, s.Reason, s.GamePoints = 1-s.ClosedBy, ReasonCloserFailed, 2
		if s.OppTricks == 0 {
			s.GamePoints = 3
		}
	case reached >= 0:
		loser := 1 - reached
		s.Winner, s.Reason = reached, ReasonReached66
		s.GamePoints = schnapsenGamePoints(s.Score[loser], d.Tricks[loser])
	default:
		// §10.2: talon exhausted, ten tricks, nobody at 66.
		s.Winner, s.Reason, s.GamePoints = d.Leader, ReasonLastTrick, 1
	}
}

// schnapsenGamePoints is the §10.4 table, from the loser's score and trick
// count: 3 without a trick (Schwarz), 2 below 33 (Schneider), else 1.
func schnapsenGamePoints(loserScore, loserTricks int) int {
	switch {
	case loserTricks == 0:
		return 3
	case loserScore < 33:
		return 2
	default:
		return 1
	}
}

// schnapsenResultStage scores the decided deal into the running Bummerl
// (§11) and ends the deal.
type schnapsenResultStage struct{}

// Name is the stage's wire name.
func (schnapsenResultStage) Name() string { return "result" }

// Enter adds the game points to the winner's total. At 7 or more the
// Bummerl is decided: the other seat gets it (twice when it is still on 0
// game points, a Schneider-Bummerl, DECIDED) and the totals restart at
// 0:0, excess points discarded.
func (schnapsenResultStage) Enter(t *Table, now int64) Step {
	s := t.d.Deal.Schnapsen
	totals := t.d.Balances
	totals[s.Winner] += s.GamePoints
	bummerlLoser, bummerl := -1, 0
	if totals[s.Winner] >= schnapsenBummerlTarget {
		bummerlLoser, bummerl = 1-s.Winner, 1
		if totals[bummerlLoser] == 0 {
			bummerl = 2
		}
		t.d.Bummerl[bummerlLoser] += bummerl
		for i := range totals {
			totals[i] = 0
		}
	}
	t.emit(SchnapsenResult{
		Winner:       s.Winner,
		GamePoints:   s.GamePoints,
		Scores:       append([]int(nil), s.Score...),
		Reason:       s.Reason,
		Totals:       append([]int(nil), totals...),
		BummerlLoser: bummerlLoser,
		Bummerl:      bummerl,
		Bummerls:     append([]int(nil), t.d.Bummerl...),
	})
	return End
}

// Handle refuses everything: the result takes no input.
func (schnapsenResultStage) Handle(*Table, Action) (Step, error) {
	return Stay, refuse(ErrWrongStage, "the deal is being scored")
}

// Legal is empty: nobody acts while the deal is scored.
func (schnapsenResultStage) Legal(_ *Table, _ int, out []Command) []Command { return out }
