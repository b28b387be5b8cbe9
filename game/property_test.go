package game_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"tableraft/game"
	"tableraft/game/bot"
)

// The property tests drive tables with the rule bot from random seeds,
// mixing in random (mostly illegal) commands, and check after every step
// the invariants every game must keep.

var propertyGames = []game.Config{
	{Game: game.KindSchafkopf},
	{Game: game.KindSchafkopf, Options: game.Options{ShortDeck: true}},
	{Game: game.KindSchnapsen},
	{Game: game.KindBauernschnapsen},
}

func TestPropertyDealsEndAndKeepInvariants(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := rapid.SampledFrom(propertyGames).Draw(rt, "game")
		seats, _ := game.SeatsOf(cfg.Game, cfg.Options)
		cfg.FirstDealer = rapid.IntRange(0, seats-1).Draw(rt, "dealer")
		deals := rapid.IntRange(1, 4).Draw(rt, "deals")
		noise := rapid.Float64Range(0, 0.5).Draw(rt, "noise")
		// Legal moves the bot would not choose (a Bettel, Aufschlagen, a
		// late Re) keep every path of the rules in play.
		wild := rapid.Float64Range(0, 0.5).Draw(rt, "wild")
		run := newRun(rt, cfg)
		for i := 0; i < deals; i++ {
			run.startDeal(rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(rt, "seed"))
			for steps := 0; run.table.Playing(); steps++ {
				if steps > 400 {
					rt.Fatalf("deal %d did not end after %d steps", i+1, steps)
				}
				coin := rapid.Float64Range(0, 1).Draw(rt, "coin")
				if coin < noise {
					run.randomAction(rt)
					continue
				}
				if coin < noise+wild && run.randomLegal(rt) {
					continue
				}
				a, ok := bot.Next(run.table, run.now)
				if !ok {
					rt.Fatalf("deal stuck in stage %s", run.table.StageName())
				}
				run.apply(a, true)
			}
			run.checkDealEnd()
		}
		run.checkReplayIdentical()
	})
}

// run is one table under test with everything the checks need to know.
type run struct {
	t       *rapid.T
	cfg     game.Config
	table   *game.Table
	now     int64
	actions []game.Action // every accepted action, for the replay check
	events  []game.Event  // every event, in order

	// Per deal: what each seat was given and played, from the events.
	given   []map[game.Card]bool // dealt, drawn, exchanged in
	played  map[game.Card]bool
	public  map[game.Card]bool // cards everyone may know about
	trick   []game.Card        // cards of the trick in progress
	taken   []int              // trick points taken per seat
	credits []int              // marriage points announced per seat
	out     int                // the seat sitting out (Bauernschnapsen), -1 if none
	kontra  int                // doublings given in this deal
	result  game.Event
}

func newRun(rt *rapid.T, cfg game.Config) *run {
	tbl, err := game.NewTable(cfg)
	if err != nil {
		rt.Fatalf("NewTable: %v", err)
	}
	return &run{t: rt, cfg: cfg, table: tbl, now: 1_700_000_000_000}
}

func (r *run) startDeal(seed []byte) {
	var s game.Seed
	copy(s[:], seed)
	n := r.table.Seats()
	r.given = make([]map[game.Card]bool, n)
	for i := range r.given {
		r.given[i] = map[game.Card]bool{}
	}
	r.played, r.public = map[game.Card]bool{}, map[game.Card]bool{}
	r.trick, r.taken, r.credits, r.result = nil, make([]int, n), make([]int, n), nil
	r.out, r.kontra = -1, 0
	r.apply(game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{Seed: s}, Now: r.now}, true)
}

// apply hands a to the table; mustAccept marks actions the bot chose, which
// the table must never refuse.
func (r *run) apply(a game.Action, mustAccept bool) {
	r.now += 700
	if a.Now < r.now {
		a.Now = r.now
	}
	r.now = a.Now
	before, _ := r.table.MarshalJSON()
	evs, err := r.table.Handle(a)
	if err != nil {
		if mustAccept {
			r.t.Fatalf("seat %d %#v refused: %v", a.Seat, a.Cmd, err)
		}
		var refusal *game.Refusal
		if !errors.As(err, &refusal) || refusal.Code == "" {
			r.t.Fatalf("refusal without a code: %v", err)
		}
		after, _ := r.table.MarshalJSON()
		if !bytes.Equal(before, after) {
			r.t.Fatalf("refused %s (%v) changed the table:\n%s\n%s", a.Cmd.Name(), err, before, after)
		}
		return
	}
	r.actions = append(r.actions, a)
	// Every state the rules reach must pass the snapshot decoder's checks.
	enc, _ := r.table.MarshalJSON()
	var back game.Table
	if err := back.UnmarshalJSON(enc); err != nil {
		r.t.Fatalf("after seat %d %#v the state does not validate: %v\n%s", a.Seat, a.Cmd, err, enc)
	}
	for _, e := range evs {
		r.observe(e)
	}
	r.events = append(r.events, evs...)
	r.checkHands()
	r.checkNoLeaks(evs)
}

// randomAction sends a random command from a random seat: most are
// refused, and a refusal must change nothing.
func (r *run) randomAction(rt *rapid.T) {
	deck := game.SchnapsenDeck()
	if r.cfg.Game == game.KindSchafkopf {
		deck = game.SchafkopfDeck(false)
	}
	card := rapid.SampledFrom(deck).Draw(rt, "card")
	suit := game.Suit(rapid.IntRange(0, 3).Draw(rt, "suit"))
	cmds := []game.Command{
		game.PlayCard{Card: card}, game.PlayCard{Card: card, Marriage: true},
		game.Knock{}, game.NoKnock{}, game.Pass{}, game.Kontra{}, game.Re{},
		game.Announce{Game: game.Sauspiel, Ace: game.Card{Rank: game.Ace, Suit: suit}},
		game.Announce{Game: game.Solo, Suit: suit}, game.Announce{Game: game.Wenz},
		game.Announce{Game: "geier"},
		game.Announce{Game: rapid.SampledFrom([]game.Contract{game.NormalGame, game.Bettel, game.Schnapser, game.Gang,
			game.Bauernschnapser, game.Kontraschnapser, game.Kontrabauernschnapser}).Draw(rt, "contract")},
		game.ExchangeTrump{}, game.CloseTalon{}, game.Cut{}, game.CallTrump{Suit: suit}, game.CallTrump{Aufschlagen: true},
		game.StartDeal{}, game.Timeout{Serial: int64(rapid.IntRange(0, 50).Draw(rt, "serial"))},
	}
	cmd := rapid.SampledFrom(cmds).Draw(rt, "cmd")
	seat := rapid.IntRange(-1, r.table.Seats()).Draw(rt, "seat")
	r.apply(game.Action{Seat: seat, Cmd: cmd}, false)
}

// randomLegal sends a random legal command of a random seat, which the
// table must accept; false when that seat has nothing to do.
func (r *run) randomLegal(rt *rapid.T) bool {
	seat := rapid.IntRange(0, r.table.Seats()-1).Draw(rt, "legalSeat")
	legal := r.table.Legal(seat)
	if len(legal) == 0 {
		return false
	}
	r.apply(game.Action{Seat: seat, Cmd: rapid.SampledFrom(legal).Draw(rt, "legal")}, true)
	return true
}

// observe keeps the per-deal bookkeeping from one (unredacted) event.
func (r *run) observe(e game.Event) {
	switch e := e.(type) {
	case game.GameStarted:
		r.public[e.TrumpCard] = true
	case game.CardsDealt:
		r.give(e.Seat, e.Cards)
	case game.CardsDrawn:
		r.give(e.Seat, e.Cards)
		if e.Public {
			r.markPublic(e.Cards...)
		}
	case game.TrumpExchanged:
		r.give(e.Seat, []game.Card{e.Took})
		delete(r.given[e.Seat], e.Gave)
		r.markPublic(e.Took, e.Gave)
	case game.Announced:
		r.markPublic(e.Ace)
	case game.TrumpCalled:
		r.markPublic(e.Card)
	case game.KontraGiven, game.ReGiven:
		r.kontra++
	case game.MarriageAnnounced:
		r.markPublic(game.Card{Rank: game.King, Suit: e.Suit}, game.Card{Rank: game.Queen, Suit: e.Suit})
		r.credits[e.Seat] += e.Points
	case game.CardPlayed:
		if r.played[e.Card] {
			r.t.Fatalf("%v played twice", e.Card)
		}
		if !r.given[e.Seat][e.Card] {
			r.t.Fatalf("seat %d played %v it was never given", e.Seat, e.Card)
		}
		r.played[e.Card] = true
		r.markPublic(e.Card)
		r.trick = append(r.trick, e.Card)
	case game.TrickTaken:
		sum := 0
		for _, c := range r.trick {
			sum += c.Points()
		}
		if sum != e.Points {
			r.t.Fatalf("trick %v worth %d, event says %d", r.trick, sum, e.Points)
		}
		r.taken[e.Seat] += e.Points
		r.trick = nil
	case game.SchafkopfResult, game.SchnapsenResult, game.BauernschnapsenResult:
		r.result = e
	}
}

func (r *run) give(seat int, cards []game.Card) {
	for _, c := range cards {
		for s := range r.given {
			if r.given[s][c] {
				r.t.Fatalf("%v given to seat %d while seat %d holds it", c, seat, s)
			}
		}
		r.given[seat][c] = true
	}
}

func (r *run) markPublic(cards ...game.Card) {
	for _, c := range cards {
		if c.Valid() {
			r.public[c] = true
		}
	}
}

// checkHands: every seat's hand is what it was given less what it played,
// so no card was lost, duplicated or conjured; a Bauernschnapsen partner
// who sits out holds nothing (the cards are set aside).
func (r *run) checkHands() {
	if !r.table.Playing() {
		return
	}
	if b := r.table.View(-1).Bauernschnapsen; b != nil && b.SittingOut >= 0 {
		r.out = b.SittingOut
	}
	for seat := range r.given {
		want := map[game.Card]bool{}
		for c := range r.given[seat] {
			if !r.played[c] && seat != r.out {
				want[c] = true
			}
		}
		hand := r.table.View(seat).Hand
		got := map[game.Card]bool{}
		for _, c := range hand {
			if got[c] {
				r.t.Fatalf("seat %d holds %v twice", seat, c)
			}
			got[c] = true
		}
		if !reflect.DeepEqual(got, want) {
			r.t.Fatalf("seat %d holds %v, was given and not played %v", seat, hand, keys(want))
		}
	}
}

// checkNoLeaks: no seat ever sees, in its view or its events, a card that
// is in another seat's hand and not public knowledge.
func (r *run) checkNoLeaks(evs []game.Event) {
	for seat := -1; seat < r.table.Seats(); seat++ {
		secret := map[game.Card]bool{}
		for other := range r.given {
			if other == seat {
				continue
			}
			for c := range r.given[other] {
				if !r.played[c] && !r.public[c] {
					secret[c] = true
				}
			}
		}
		for _, e := range evs {
			if c, ok := findCard(game.VisibleTo(e, seat), secret); ok {
				r.t.Fatalf("seat %d sees %v of another hand in %#v", seat, c, game.VisibleTo(e, seat))
			}
		}
		v := r.table.View(seat)
		if c, ok := findCard(v, secret); ok {
			r.t.Fatalf("seat %d's view shows %v of another hand: %#v", seat, c, v)
		}
	}
}

// checkDealEnd: the deal ended with a result whose points are the tricks'
// points (plus credited marriages) and whose payouts balance.
func (r *run) checkDealEnd() {
	switch res := r.result.(type) {
	case game.SchafkopfResult:
		sum := 0
		for _, p := range res.Payouts {
			sum += p
		}
		if sum != 0 {
			r.t.Fatalf("payouts %v do not sum to zero", res.Payouts)
		}
		if res.ThrownIn {
			return
		}
		total := 0
		for seat, p := range res.Points {
			if p != r.taken[seat] {
				r.t.Fatalf("result gives seat %d %d points, its tricks hold %d", seat, p, r.taken[seat])
			}
			total += p
		}
		if total != 120 {
			r.t.Fatalf("points %v add up to %d, want 120", res.Points, total)
		}
	case game.SchnapsenResult:
		for seat, score := range res.Scores {
			want := r.taken[seat]
			if tookTrick(r.events, seat) {
				want += r.credits[seat]
			}
			if score != want {
				r.t.Fatalf("result scores seat %d %d, tricks %d + marriages %d", seat, score, r.taken[seat], r.credits[seat])
			}
		}
		if res.GamePoints < 1 || res.GamePoints > 3 {
			r.t.Fatalf("game points %d out of 1..3", res.GamePoints)
		}
	case game.BauernschnapsenResult:
		r.checkBauernResult(res)
	default:
		r.t.Fatalf("deal ended without a result (last: %T)", r.result)
	}
}

// bauernBase is the base value of each Bauernschnapsen contract (rules
// §5).
var bauernBase = map[game.Contract]int{
	game.Bettel: 4, game.Schnapser: 6, game.Gang: 9, game.Bauernschnapser: 12,
	game.Kontraschnapser: 12, game.Kontrabauernschnapser: 24,
}

// checkBauernResult: the teams' scores are their tricks' points plus the
// marriages credited to a team with a trick; the match points are the
// contract's value times the doubling; the totals add up; the partner who
// sat out played no card.
func (r *run) checkBauernResult(res game.BauernschnapsenResult) {
	dealt := 0
	for _, g := range r.given {
		dealt += len(g)
	}
	if dealt != 20 {
		r.t.Fatalf("%d cards dealt, want all 20", dealt)
	}
	for team := 0; team < 2; team++ {
		want := r.taken[team] + r.taken[team+2]
		if tookTrick(r.events, team) || tookTrick(r.events, team+2) {
			want += r.credits[team] + r.credits[team+2]
		}
		if res.Scores[team] != want {
			r.t.Fatalf("team %d scores %d, tricks %d + %d and marriages %d + %d", team, res.Scores[team],
				r.taken[team], r.taken[team+2], r.credits[team], r.credits[team+2])
		}
	}
	if all := res.Scores[0] + res.Scores[1]; all > 120+2*(40+3*20) {
		r.t.Fatalf("scores %v add up to %d", res.Scores, all)
	}
	if m := 1 << r.kontra; res.Multiplier != m {
		r.t.Fatalf("multiplier %d after %d doublings", res.Multiplier, r.kontra)
	}
	switch {
	case res.Game == game.NormalGame && res.Reason == game.ReasonLastTrick:
		if res.Value != 1 || res.Declarer != -1 {
			r.t.Fatalf("last trick worth %d (declarer %d)", res.Value, res.Declarer)
		}
	case res.Game == game.NormalGame:
		if res.Value < 1 || res.Value > 3 || res.Scores[res.WinnerTeam] < 66 || res.Reason != game.ReasonReached66 {
			r.t.Fatalf("normal game won with %d on %v (%s)", res.Value, res.Scores, res.Reason)
		}
	default:
		declaring := res.Declarer % 2
		made := res.Reason == game.ReasonContractMade
		if res.Value != bauernBase[res.Game] || made != (res.WinnerTeam == declaring) {
			r.t.Fatalf("%s by %d: %+v", res.Game, res.Declarer, res)
		}
		if r.out != res.Declarer+2 && r.out != res.Declarer-2 {
			r.t.Fatalf("%s by %d, seat %d sat out", res.Game, res.Declarer, r.out)
		}
		for c := range r.given[r.out] {
			if r.played[c] {
				r.t.Fatalf("the partner who sat out played %v", c)
			}
		}
	}
	if res.MatchPoints != res.Value*res.Multiplier {
		r.t.Fatalf("match points %d, value %d × %d", res.MatchPoints, res.Value, res.Multiplier)
	}
	balances := r.table.Balances()
	if res.MatchWinner < 0 && (balances[0] != res.Totals[0] || balances[1] != res.Totals[1] ||
		balances[2] != balances[0] || balances[3] != balances[1] || res.Totals[0] >= 24 || res.Totals[1] >= 24) {
		r.t.Fatalf("totals %v, balances %v", res.Totals, balances)
	}
	if res.MatchWinner >= 0 && (res.Totals[res.MatchWinner] < 24 || res.Bummerl < 1) {
		r.t.Fatalf("match won on %v with %d Bummerl", res.Totals, res.Bummerl)
	}
}

// tookTrick reports whether seat won a trick in the current deal.
func tookTrick(events []game.Event, seat int) bool {
	for i := len(events) - 1; i >= 0; i-- {
		switch e := events[i].(type) {
		case game.GameStarted:
			return false
		case game.TrickTaken:
			if e.Seat == seat {
				return true
			}
		}
	}
	return false
}

// checkReplayIdentical: the same actions on a fresh table give the same
// events and the same table, byte for byte.
func (r *run) checkReplayIdentical() {
	again, err := game.NewTable(r.cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	var events []game.Event
	for i, a := range r.actions {
		evs, err := again.Handle(a)
		if err != nil {
			r.t.Fatalf("replayed action %d refused: %v", i, err)
		}
		events = append(events, evs...)
	}
	if !reflect.DeepEqual(events, r.events) {
		r.t.Fatal("replay produced different events")
	}
	a, _ := r.table.MarshalJSON()
	b, _ := again.MarshalJSON()
	if !bytes.Equal(a, b) {
		r.t.Fatalf("replay produced a different table:\n%s\n%s", a, b)
	}
	c, _ := r.table.Clone().MarshalJSON()
	if !bytes.Equal(a, c) {
		r.t.Fatal("clone differs from the original")
	}
}

// findCard walks v (structs, slices, interfaces) for a game.Card in set,
// skipping the fields named Ace.
func findCard(v any, set map[game.Card]bool) (game.Card, bool) {
	var walk func(reflect.Value) (game.Card, bool)
	cardType := reflect.TypeOf(game.Card{})
	walk = func(x reflect.Value) (game.Card, bool) {
		switch x.Kind() {
		case reflect.Interface, reflect.Pointer:
			if !x.IsNil() {
				return walk(x.Elem())
			}
		case reflect.Struct:
			if x.Type() == cardType {
				c := x.Interface().(game.Card)
				return c, set[c]
			}
			for i := 0; i < x.NumField(); i++ {
				// A called (or callable) ace names a card the seat does not
				// hold, without saying who holds it: no leak.
				if f := x.Type().Field(i); f.IsExported() && f.Name != "Ace" {
					if c, ok := walk(x.Field(i)); ok {
						return c, true
					}
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < x.Len(); i++ {
				if c, ok := walk(x.Index(i)); ok {
					return c, true
				}
			}
		}
		return game.Card{}, false
	}
	return walk(reflect.ValueOf(v))
}

func keys(m map[game.Card]bool) []game.Card {
	out := make([]game.Card, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	return out
}

func TestFindCardSeesNestedCards(t *testing.T) {
	secret := map[game.Card]bool{{Rank: game.Ace, Suit: game.Hearts}: true}
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"in a slice field", game.CardsDealt{Cards: []game.Card{{Rank: game.Ace, Suit: game.Hearts}}}, true},
		{"behind an interface", []game.Event{game.CardPlayed{Card: game.Card{Rank: game.Ace, Suit: game.Hearts}}}, true},
		{"another card", game.CardPlayed{Card: game.Card{Rank: game.Ten, Suit: game.Hearts}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := findCard(tt.v, secret); got != tt.want {
				t.Fatalf("findCard = %v, want %v", got, tt.want)
			}
		})
	}
}
