package autoplay

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"tableraft/transport/client"
	"tableraft/transport/codec"
)

// msg builds a server message as the client delivers it.
func msg(t *testing.T, table int64, typ string, fields map[string]any) client.Message {
	t.Helper()
	fields["type"], fields["table"] = typ, table
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	var m client.Message
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m.Raw = b
	return m
}

// TestStrategyAnswersOnlyItsSeat: the strategy learns its seat from
// playerJoined or tableState and answers exactly the prompts for that
// seat, with a move the prompt offers.
func TestStrategyAnswersOnlyItsSeat(t *testing.T) {
	s := NewStrategy("p1", 0, rand.New(rand.NewPCG(1, 2)))
	steps := []struct {
		name string
		m    client.Message
		want string // the command's name, "" for no answer
	}{
		{"a prompt before the seat is known", msg(t, 7, "mustPlayCard", map[string]any{"seat": 1, "legal": []string{"EA"}}), ""},
		{"another player joins", msg(t, 7, "playerJoined", map[string]any{"seat": 2, "player": "p2"}), ""},
		{"the player joins at seat 1", msg(t, 7, "playerJoined", map[string]any{"seat": 1, "player": "p1"}), ""},
		{"a card for seat 1", msg(t, 7, "mustPlayCard", map[string]any{"seat": 1, "legal": []string{"EA"}}), "playACard"},
		{"a card for seat 2", msg(t, 7, "mustPlayCard", map[string]any{"seat": 2, "legal": []string{"EA"}}), ""},
		{"the same seat at another table", msg(t, 8, "mustPlayCard", map[string]any{"seat": 1, "legal": []string{"EA"}}), ""},
		{"a knock window for seat 1", msg(t, 7, "mustKnock", map[string]any{"seat": 1}), "noKnock"},
		{"a knock window for seat 2", msg(t, 7, "mustKnock", map[string]any{"seat": 2}), ""},
		{"an announcement round, rate 0", msg(t, 7, "mustAnnounce", map[string]any{"seat": 1, "options": []map[string]any{{"type": "announce", "game": "solo", "suit": "H"}}}), "pass"},
		{"a tableState seats it at table 8 and offers a window", msg(t, 8, "tableState", map[string]any{"seat": 0, "legal": []map[string]any{{"type": "playACard", "card": "EA"}, {"type": "pass"}}}), "pass"},
		{"then a card at table 8", msg(t, 8, "mustPlayCard", map[string]any{"seat": 0, "legal": []string{"GK"}}), "playACard"},
		{"a tableState offering only a marriage card", msg(t, 8, "tableState", map[string]any{"seat": 0, "legal": []map[string]any{{"type": "playACard", "card": "HK", "marriage": true}}}), ""},
	}
	for _, st := range steps {
		cmd, ok := s.Answer(st.m)
		if got := map[bool]string{true: cmd.Name}[ok]; got != st.want {
			t.Fatalf("%s: answered %q (%+v), want %q", st.name, got, cmd, st.want)
		}
	}
}

// TestStrategyPlaysOfferedCards: every card it plays is one the prompt
// listed, and a seeded strategy repeats its choices.
func TestStrategyPlaysOfferedCards(t *testing.T) {
	legal := []string{"EA", "GK", "HO", "SU"}
	play := func(seed uint64) []codec.GameCommand {
		s := NewStrategy("p1", 0.5, rand.New(rand.NewPCG(seed, 0)))
		s.Answer(msg(t, 1, "playerJoined", map[string]any{"seat": 0, "player": "p1"}))
		var out []codec.GameCommand
		for range 50 {
			cmd, ok := s.Answer(msg(t, 1, "mustPlayCard", map[string]any{"seat": 0, "legal": legal}))
			if !ok {
				t.Fatal("no answer to its own prompt")
			}
			out = append(out, cmd)
		}
		return out
	}
	a, b := play(3), play(3)
	seen := map[string]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("move %d: %+v then %+v with the same seed", i, a[i], b[i])
		}
		seen[a[i].Card] = true
	}
	for c := range seen {
		if c != "EA" && c != "GK" && c != "HO" && c != "SU" {
			t.Fatalf("played %s, not offered", c)
		}
	}
	if len(seen) < 2 {
		t.Fatalf("50 choices among 4 cards gave only %v", seen)
	}
}
