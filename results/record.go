package results

import (
	"encoding/json"
	"fmt"
	"time"

	"tableraft/fsm"
)

// gameRow is one fsm.Result as the games and game_players tables hold it.
type gameRow struct {
	gameID   string
	table    int64
	dealNo   int
	kind     string
	options  string // JSON
	started  time.Time
	ended    time.Time
	dealer   int
	contract *string
	result   string // JSON of the whole fsm.Result
	players  []playerRow
}

type playerRow struct {
	seat       int
	player     string
	payout     *int
	gamePoints *int
}

func gameRowOf(r fsm.Result) (gameRow, error) {
	opts, err := json.Marshal(r.Options)
	if err != nil {
		return gameRow{}, fmt.Errorf("results: encode the options of %s: %w", r.GameID, err)
	}
	full, err := json.Marshal(r)
	if err != nil {
		return gameRow{}, fmt.Errorf("results: encode %s: %w", r.GameID, err)
	}
	row := gameRow{
		gameID: r.GameID, table: r.Table, dealNo: r.DealNo, kind: string(r.Game),
		options: string(opts), started: time.UnixMilli(r.StartedAt).UTC(), ended: time.UnixMilli(r.EndedAt).UTC(),
		dealer: r.Dealer, result: string(full),
	}
	if r.Contract != "" {
		c := string(r.Contract)
		row.contract = &c
	}
	for seat, name := range r.Players {
		row.players = append(row.players, playerRow{seat: seat, player: name, payout: Payout(r, seat), gamePoints: GamePoints(r, seat)})
	}
	return row, nil
}

// Payout is what seat won (positive) or paid (negative) in a Schafkopf
// deal; nil for other games.
func Payout(r fsm.Result, seat int) *int {
	if r.Schafkopf == nil || seat >= len(r.Schafkopf.Payouts) {
		return nil
	}
	p := r.Schafkopf.Payouts[seat]
	return &p
}

// GamePoints is what seat won in a Schnapsen deal (the winner's game
// points, 0 for the loser) or a Bauernschnapsen deal (the match points of
// the winning team, for both its seats: team 0 is seats 0 and 2); nil for
// Schafkopf.
func GamePoints(r fsm.Result, seat int) *int {
	p := 0
	switch {
	case r.Schnapsen != nil:
		if r.Schnapsen.Winner == seat {
			p = r.Schnapsen.GamePoints
		}
	case r.Bauernschnapsen != nil:
		if seat%2 == r.Bauernschnapsen.WinnerTeam {
			p = r.Bauernschnapsen.MatchPoints
		}
	default:
		return nil
	}
	return &p
}
