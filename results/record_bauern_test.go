package results

import (
	"testing"

	"tableraft/fsm"
	"tableraft/game"
)

func TestGamePointsOfABauernschnapsenDeal(t *testing.T) {
	r := fsm.Result{Game: game.KindBauernschnapsen, Players: []string{"a", "b", "c", "d"},
		Bauernschnapsen: &game.BauernschnapsenResult{WinnerTeam: 1, MatchPoints: 6}}
	want := []int{0, 6, 0, 6}
	for seat, w := range want {
		if got := GamePoints(r, seat); got == nil || *got != w {
			t.Fatalf("seat %d: %v, want %d", seat, got, w)
		}
		if Payout(r, seat) != nil {
			t.Fatalf("seat %d has a Schafkopf payout", seat)
		}
	}
}
