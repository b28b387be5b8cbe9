package game

import (
	"reflect"
	"testing"
)

// §5.1, §9, §10: each contract's end and value, played out. The deal
// stops as soon as the outcome is fixed: Tricks counts the tricks played.
func TestBauernContractOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		hands   [4]string
		trump   string
		auction string
		play    string
		want    BauernschnapsenResult // Game, Declarer, WinnerTeam, Reason, Value, Scores, Tricks
	}{
		{"normal game: 66, the others without a trick: 3", [4]string{
			"AH XH KH QH JH", "KC QC JC KS QS", "AC XC AS XS AD", "JS XD KD QD JD"},
			"H", "- - - -", "AH KC AC JS | XH QC XC XD | KH JC AS KD",
			BauernschnapsenResult{Game: NormalGame, Declarer: -1, WinnerTeam: 0, Reason: ReasonReached66, Value: 3,
				Scores: []int{82, 0}, Tricks: []int{3, 0}}},
		{"normal game: 66, the others below 33: 2", [4]string{
			"AH XH KH QH JC", "AC QC KS QS JH", "KC XC AS XS AD", "JS XD KD QD JD"},
			"H", "- - - -", "JC AC KC JS | QC XC JD QH | AH JH AS XD | XH KS XS KD",
			BauernschnapsenResult{Game: NormalGame, Declarer: -1, WinnerTeam: 0, Reason: ReasonReached66, Value: 2,
				Scores: []int{80, 19}, Tricks: []int{3, 1}}},
		{"normal game: nobody at 66, the last trick wins 1", bsLastTrickHands, "D", "- - - -", bsLastTrickPlay,
			BauernschnapsenResult{Game: NormalGame, Declarer: -1, WinnerTeam: 0, Reason: ReasonLastTrick, Value: 1,
				Scores: []int{64, 56}, Tricks: []int{3, 2}}},
		{"bettel made after five tricks", bsBettelHands, "S", "- bettel - -", bsBettelPlay,
			BauernschnapsenResult{Game: Bettel, Declarer: 1, NoTrump: true, WinnerTeam: 1, Reason: ReasonContractMade, Value: 4,
				Scores: []int{89, 0}, Tricks: []int{5, 0}}},
		{"bettel fails with the declarer's first trick", bsLastTrickHands, "D", "bettel - - -", "AS XS QS",
			BauernschnapsenResult{Game: Bettel, Declarer: 0, NoTrump: true, WinnerTeam: 1, Reason: ReasonContractFailed, Value: 4,
				Scores: []int{24, 0}, Tricks: []int{1, 0}}},
		{"gang made with all five tricks", bsGangHands, "H", "- - gang -", bsGangPlay,
			BauernschnapsenResult{Game: Gang, Declarer: 2, NoTrump: true, WinnerTeam: 0, Reason: ReasonContractMade, Value: 9,
				Scores: []int{91, 0}, Tricks: []int{5, 0}}},
		{"gang fails with the opponents' first trick", bsBettelHands, "S", "- gang - -", "JS QS KS",
			BauernschnapsenResult{Game: Gang, Declarer: 1, NoTrump: true, WinnerTeam: 0, Reason: ReasonContractFailed, Value: 9,
				Scores: []int{9, 0}, Tricks: []int{1, 0}}},
		{"schnapser made with the trump marriage after losing trick 1", bsSchnapserHands, "H", "schnapser - - -",
			"JS AS XS | AC XC XH | KH+",
			BauernschnapsenResult{Game: Schnapser, Declarer: 0, WinnerTeam: 0, Reason: ReasonContractMade, Value: 6,
				Scores: []int{71, 23}, Tricks: []int{1, 1}}},
		{"schnapser fails below 66 after trick 3", bsSchnapserHands, "H", "schnapser - - -",
			"JS AS XS | AC XC XH | AH JH KC",
			BauernschnapsenResult{Game: Schnapser, Declarer: 0, WinnerTeam: 1, Reason: ReasonContractFailed, Value: 6,
				Scores: []int{48, 23}, Tricks: []int{2, 1}}},
		{"bauernschnapser made with all five tricks", [4]string{
			"AS XS AH AC AD", "QH JH XC KC QC", "KS QS JS XH KH", "JC XD KD QD JD"},
			"S", "bauernschnapser - - -", "*", // every legal card loses to forehand's
			BauernschnapsenResult{Game: Bauernschnapser, Declarer: 0, WinnerTeam: 0, Reason: ReasonContractMade, Value: 12,
				Scores: []int{97, 0}, Tricks: []int{5, 0}}},
		{"bauernschnapser fails with the opponents' first trick", bsLastTrickHands, "D", "bauernschnapser - - -",
			"AS XS QS | QC AC XC",
			BauernschnapsenResult{Game: Bauernschnapser, Declarer: 0, WinnerTeam: 1, Reason: ReasonContractFailed, Value: 12,
				Scores: []int{24, 24}, Tricks: []int{1, 1}}},
		{"kontraschnapser made with the trump marriage, forehand leading", bsKontraHands, "H", "- kontraschnapser - -",
			"XC AH AC | KH+",
			BauernschnapsenResult{Game: Kontraschnapser, Declarer: 1, WinnerTeam: 1, Reason: ReasonContractMade, Value: 12,
				Scores: []int{0, 72}, Tricks: []int{0, 1}}},
		{"kontraschnapser fails on 65 after trick 3", bsKontraHands, "H", "- kontraschnapser - -",
			"XC AH AC | AS QS XS | QH KC JH",
			BauernschnapsenResult{Game: Kontraschnapser, Declarer: 1, WinnerTeam: 0, Reason: ReasonContractFailed, Value: 12,
				Scores: []int{0, 65}, Tricks: []int{0, 3}}},
		{"kontrabauernschnapser made with all five tricks", bsKontraHands, "H", "- kontrabauernschnapser - -",
			"XC AH AC | AS QS XS | XH KC JH | KH QC KS | QH JS JC",
			BauernschnapsenResult{Game: Kontrabauernschnapser, Declarer: 1, WinnerTeam: 1, Reason: ReasonContractMade, Value: 24,
				Scores: []int{0, 90}, Tricks: []int{0, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bsNew(t, 3)
			s.deal(false, tt.hands, tt.trump)
			s.auction(tt.auction)
			var evs []Event
			if tt.play == "*" {
				evs = s.playOut()
			} else {
				evs = s.play(tt.play)
			}
			if s.tbl.Playing() {
				t.Fatalf("the deal goes on in stage %s", s.tbl.StageName())
			}
			r := bsResult(t, evs)
			got := BauernschnapsenResult{Game: r.Game, Declarer: r.Declarer, NoTrump: r.NoTrump, WinnerTeam: r.WinnerTeam,
				Reason: r.Reason, Value: r.Value, Scores: r.Scores, Tricks: r.Tricks}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("result\n %+v\nwant %+v", got, tt.want)
			}
			if r.Multiplier != 1 || r.MatchPoints != r.Value || r.Totals[r.WinnerTeam] != r.Value || r.Totals[1-r.WinnerTeam] != 0 {
				t.Fatalf("multiplier %d match points %d totals %v", r.Multiplier, r.MatchPoints, r.Totals)
			}
		})
	}
}

// §9: the normal game's value from the losing team's tricks and score.
func TestBauernNormalGameValue(t *testing.T) {
	tests := []struct {
		name          string
		tricks, score int // the other team's
		want          int
	}{
		{"no trick", 0, 0, 3},
		{"no trick but a pending marriage", 0, 0, 3},
		{"a trick, 0 points", 1, 0, 2},
		{"32 points", 2, 32, 2},
		{"33 points", 2, 33, 1},
		{"54 points", 3, 54, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Deal{Tricks: []int{1, tt.tricks, 1, 0}}
			b := &bauernDeal{Score: []int{66, tt.score}}
			if got := b.normalValue(d, 0); got != tt.want {
				t.Fatalf("value %d, want %d", got, tt.want)
			}
		})
	}
}

// §11, DECIDED 10: the match to 24, the Bummerl, Schneider and
// Retourschneider. Each case scores a sequence of deals (winning team and
// match points) into a fresh match.
func TestBauernMatch(t *testing.T) {
	type deal struct{ team, points int }
	tests := []struct {
		name      string
		deals     []deal
		totals    []int // of the last deal's result
		bummerl   int
		schneider bool
		retour    bool
	}{
		{"below 24 the match goes on", []deal{{0, 12}, {1, 6}, {0, 11}}, []int{23, 6}, 0, false, false},
		{"24 wins, the losers get a Bummerl", []deal{{0, 12}, {1, 6}, {0, 12}}, []int{24, 6}, 1, false, false},
		{"values are not capped", []deal{{1, 3}, {0, 12}, {0, 24}}, []int{36, 3}, 1, false, false},
		{"losers on 0: Schneider", []deal{{0, 12}, {0, 12}}, []int{24, 0}, 2, true, false},
		{"losers on 0 after one deal: Schneider", []deal{{1, 24}}, []int{0, 24}, 2, true, false},
		{"losers reached 23 while the winners had 0: Retourschneider", []deal{{1, 12}, {1, 11}, {0, 12}, {0, 12}},
			[]int{24, 23}, 4, false, true},
		{"losers reached 23 at once while the winners had 0: Retourschneider", []deal{{1, 23}, {0, 24}},
			[]int{24, 23}, 4, false, true},
		{"losers reached 23 while the winners had points: one Bummerl", []deal{{0, 1}, {1, 23}, {0, 24}},
			[]int{25, 23}, 1, false, false},
		{"losers on 23, reached after the winners scored: one Bummerl", []deal{{1, 12}, {0, 2}, {1, 11}, {0, 24}},
			[]int{26, 23}, 1, false, false},
		{"losers on 22: one Bummerl", []deal{{1, 22}, {0, 24}}, []int{24, 22}, 1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bsNew(t, 3)
			var r BauernschnapsenResult
			for _, d := range tt.deals {
				r = s.scoreDeal(d.team, d.points)
			}
			if !reflect.DeepEqual(r.Totals, tt.totals) || r.Bummerl != tt.bummerl || r.Schneider != tt.schneider || r.Retourschneider != tt.retour {
				t.Fatalf("result %+v\nwant totals %v bummerl %d schneider %v retour %v", r, tt.totals, tt.bummerl, tt.schneider, tt.retour)
			}
			last := tt.deals[len(tt.deals)-1].team
			wantBalances := []int{tt.totals[0], tt.totals[1], tt.totals[0], tt.totals[1]}
			wantBummerl := []int{0, 0, 0, 0}
			if tt.bummerl > 0 {
				wantBalances = []int{0, 0, 0, 0}
				wantBummerl[1-last], wantBummerl[3-last] = tt.bummerl, tt.bummerl
				if r.MatchWinner != last {
					t.Fatalf("match winner %d, want %d", r.MatchWinner, last)
				}
			} else if r.MatchWinner != -1 {
				t.Fatalf("match winner %d while the match goes on", r.MatchWinner)
			}
			if !reflect.DeepEqual(s.tbl.d.Balances, wantBalances) || !reflect.DeepEqual(s.tbl.d.Bummerl, wantBummerl) ||
				!reflect.DeepEqual(r.Bummerls, wantBummerl) {
				t.Fatalf("balances %v bummerl %v (result %v), want %v and %v", s.tbl.d.Balances, s.tbl.d.Bummerl, r.Bummerls, wantBalances, wantBummerl)
			}
			if v := s.tbl.View(0); !reflect.DeepEqual(v.Balances, wantBalances) {
				t.Fatalf("view balances %v", v.Balances)
			}
		})
	}
}

// scoreDeal starts a deal, decides it for team with value match points
// and runs the result stage, as a trick that decides the deal would.
func (s *bsTable) scoreDeal(team, value int) BauernschnapsenResult {
	s.t.Helper()
	s.start(SchnapsenDeck())
	b := s.b()
	b.Called, b.Contract = true, NormalGame
	b.decide(team, value, ReasonReached66)
	s.tbl.d.Stage = len(s.tbl.stages) - 1
	s.tbl.out = nil
	s.tbl.advance(s.tbl.stages[s.tbl.d.Stage].Enter(s.tbl, s.now), s.now)
	return bsResult(s.t, s.tbl.takeEvents())
}

// §11 played out: a Kontrabauernschnapser with Kontra and Re is worth 96
// and ends the match at once; the losers on 0 get a Schneider, and the
// next deal starts the match at 0:0 with the next dealer.
func TestBauernMatchEndsWithADeal(t *testing.T) {
	s := bsNew(t, 3)
	s.deal(false, bsKontraHands, "H")
	s.auction("- kontrabauernschnapser - -")
	s.do(2, Kontra{})
	s.do(1, Re{})
	r := bsResult(t, s.play("XC AH AC | AS QS XS | XH KC JH | KH QC KS | QH JS JC"))
	if r.MatchPoints != 96 || r.MatchWinner != 1 || !r.Schneider || r.Bummerl != 2 || !reflect.DeepEqual(r.Totals, []int{0, 96}) {
		t.Fatalf("result %+v", r)
	}
	if !reflect.DeepEqual(s.tbl.Balances(), []int{0, 0, 0, 0}) || !reflect.DeepEqual(s.tbl.d.Bummerl, []int{2, 0, 2, 0}) {
		t.Fatalf("balances %v bummerl %v", s.tbl.Balances(), s.tbl.d.Bummerl)
	}
	if s.tbl.Dealer() != 0 {
		t.Fatalf("next dealer %d, want 0", s.tbl.Dealer())
	}
}
