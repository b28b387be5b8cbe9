package game

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestMutatedStatesNeverFail is a structure-aware companion of
// FuzzTableUnmarshal: it changes a field of a reached state (a number
// by a little, a flag, a card, a slice shortened; one or two of them)
// and decodes the result.
// Most are refused; whatever is accepted must serve every view and every
// legal command without panicking, the table must accept its own legal
// commands, and the state after one must be accepted again.
func TestMutatedStatesNeverFail(t *testing.T) {
	rounds := 400
	if testing.Short() {
		rounds = 100
	}
	rng := rand.New(rand.NewPCG(5, 5))
	games := []Config{skCfg, {Game: KindSchafkopf, Options: Options{ShortDeck: true}}, snCfg, bsCfg}
	accepted := 0
	for round := 0; round < rounds; round++ {
		cfg := games[round%len(games)]
		steps := rng.IntN(60)
		tbl := randomPlay(t, cfg, uint64(round+1), func(*Table) bool { steps--; return steps < 0 })
		if tbl == nil {
			continue
		}
		var d tableData
		if err := json.Unmarshal(mustEncode(t, tbl), &d); err != nil {
			t.Fatal(err)
		}
		for k := 0; k <= rng.IntN(2); k++ {
			mutate(rng, reflect.ValueOf(&d).Elem())
		}
		bad, err := json.Marshal(&d)
		if err != nil {
			t.Fatal(err)
		}
		var c Table
		if c.UnmarshalJSON(bad) != nil {
			continue
		}
		accepted++
		exerciseTable(t, &c, bad)
	}
	t.Logf("%d of %d mutated states accepted", accepted, rounds)
}

// exerciseTable reads c every way and handles each legal command on a
// copy of it.
func exerciseTable(t *testing.T, c *Table, enc []byte) {
	t.Helper()
	var v View
	for seat := -1; seat <= c.Seats(); seat++ {
		_ = c.View(seat)
		c.ViewInto(seat, &v)
	}
	_ = c.Prompt()
	for seat := 0; seat < c.Seats(); seat++ {
		for _, cmd := range c.Legal(seat) {
			var cc Table
			if err := cc.UnmarshalJSON(enc); err != nil {
				t.Fatal(err)
			}
			if _, err := cc.Handle(Action{Seat: seat, Cmd: cmd, Now: 1}); err != nil {
				t.Fatalf("seat %d's legal %#v refused: %v\n%s", seat, cmd, err, enc)
			}
			after := mustEncode(t, &cc)
			var again Table
			if err := again.UnmarshalJSON(after); err != nil {
				t.Fatalf("seat %d %#v led to a refused state: %v\nfrom %s\nto %s", seat, cmd, err, enc, after)
			}
		}
	}
}

// mutate changes one leaf of v, chosen at random.
func mutate(rng *rand.Rand, v reflect.Value) {
	var leaves []reflect.Value
	var walk func(reflect.Value)
	walk = func(x reflect.Value) {
		switch x.Kind() {
		case reflect.Pointer:
			if !x.IsNil() {
				leaves = append(leaves, x) // may become nil
				walk(x.Elem())
			}
		case reflect.Struct:
			if x.Type() == reflect.TypeOf(Card{}) {
				leaves = append(leaves, x)
				return
			}
			for i := 0; i < x.NumField(); i++ {
				if x.Type().Field(i).IsExported() {
					walk(x.Field(i))
				}
			}
		case reflect.Slice:
			leaves = append(leaves, x)
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i))
			}
		case reflect.Int, reflect.Int64, reflect.Uint8, reflect.Bool, reflect.String:
			leaves = append(leaves, x)
		}
	}
	walk(v)
	x := leaves[rng.IntN(len(leaves))]
	switch x.Kind() {
	case reflect.Pointer:
		x.Set(reflect.Zero(x.Type()))
	case reflect.Struct: // a card
		x.Set(reflect.ValueOf(Card{Rank: Rank(rng.IntN(9)), Suit: Suit(rng.IntN(5))}))
	case reflect.Slice:
		if x.Len() > 0 {
			x.Set(x.Slice(0, rng.IntN(x.Len())))
		}
	case reflect.Int, reflect.Int64:
		x.SetInt(x.Int() + int64(rng.IntN(5)) - 2)
	case reflect.Uint8:
		x.SetUint(uint64(rng.IntN(9)))
	case reflect.Bool:
		x.SetBool(!x.Bool())
	case reflect.String:
		x.SetString([]string{"", "normal", "bettel", "solo", "sauspiel", "wenz", "gang", "x"}[rng.IntN(8)])
	}
}
