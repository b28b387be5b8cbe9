package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"tableraft/game"
)

var update = flag.Bool("update", false, "rewrite testdata/replay/*.out from the current output")

func TestDecodeReplay(t *testing.T) {
	in := `{"game":"schnapsen","options":{"turnTimeoutMs":5000},"dealer":1,"deck":["AD","JC"],"extra":{"x":1},
		"actions":[{"seat":0,"type":"playACard","card":"AD","note":7},{"type":"timeout","seat":"any"},
		{"seat":1,"type":"closeTalon"},{"seat":1,"type":"announce","game":"solo","suit":"H"},
		{"seat":0,"type":"fold"},[1],{"type":"playACard","card":"AD"},{"seat":0,"type":"playACard"},{"seat":-1,"type":"cut"}]}`
	r, err := DecodeReplay([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Replay{
		Game: game.KindSchnapsen, Options: game.Options{TurnTimeoutMs: 5000}, Dealer: 1, Deck: []string{"AD", "JC"},
		Actions: []ReplayAction{
			{Seat: 0, Command: GameCommand{Name: "playACard", Card: "AD"}},
			{Timeout: true},
			{Seat: 1, Command: GameCommand{Name: "closeTalon"}},
			{Seat: 1, Command: GameCommand{Name: "announce", Game: "solo", Suit: "H"}},
			{Seat: 0, Err: badMessage(`unknown command type "fold"`)},
			{Err: badMessage("an action must be a JSON object")},
			{Err: badMessage(`missing field "seat"`)},
			{Seat: 0, Command: GameCommand{Name: "playACard"}, Err: badMessage(`missing field "card"`)},
			{Seat: -1, Command: GameCommand{Name: "cut"}},
		},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("\n got %+v\nwant %+v", r, want)
	}
}

func TestDecodeReplayRefusesInvalidFiles(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"not JSON", `{"game":`, "malformed JSON"},
		{"not an object", `["schnapsen"]`, "JSON object"},
		{"no game", `{"dealer":0,"deck":[]}`, `missing field "game"`},
		{"game not a string", `{"game":2,"dealer":0,"deck":[]}`, `"game" must be a string`},
		{"no dealer", `{"game":"schnapsen","deck":[]}`, `missing field "dealer"`},
		{"dealer a fraction", `{"game":"schnapsen","dealer":0.5,"deck":[]}`, `"dealer" must be an integer`},
		{"no deck", `{"game":"schnapsen","dealer":0}`, `missing field "deck"`},
		{"deck not a list", `{"game":"schnapsen","dealer":0,"deck":"AD JC"}`, `"deck" must be an array`},
		{"deck entry not a string", `{"game":"schnapsen","dealer":0,"deck":["AD",5]}`, `"deck[1]" must be a card code string`},
		{"options not an object", `{"game":"schnapsen","dealer":0,"deck":[],"options":true}`, `"options" must be an object`},
		{"actions not a list", `{"game":"schnapsen","dealer":0,"deck":[],"actions":{}}`, `"actions" must be an array`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeReplay([]byte(tt.in))
			if !errors.Is(err, ErrInvalidReplay) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("DecodeReplay(%s) = %v; want ErrInvalidReplay with %q", tt.in, err, tt.msg)
			}
		})
	}
}

func TestRunReplayRefusesInvalidFiles(t *testing.T) {
	schnapsenDeck := `["AH","XH","KH","QH","JH","AS","XS","KS","QS","JS","AC","XC","KC","QC","JC","AD","XD","KD","QD"`
	tests := []struct{ name, in, msg string }{
		{"unknown game", `{"game":"poker","dealer":0,"deck":[]}`, `unknown game "poker"`},
		{"dealer beyond the seats", `{"game":"schnapsen","dealer":2,"deck":[]}`, "first dealer 2 is not a seat"},
		{"negative dealer", `{"game":"schafkopf","dealer":-1,"deck":[]}`, "first dealer -1 is not a seat"},
		{"short deck in schnapsen", `{"game":"schnapsen","options":{"shortDeck":true},"dealer":0,"deck":[]}`, "shortDeck is a Schafkopf option"},
		{"negative turn timeout", `{"game":"schnapsen","options":{"turnTimeoutMs":-1},"dealer":0,"deck":[]}`, "turnTimeoutMs"},
		{"a card of another game", `{"game":"schnapsen","dealer":0,"deck":["AE"]}`, `deck[0]: "AE" is not a schnapsen card`},
		{"a nine in schnapsen", `{"game":"schnapsen","dealer":0,"deck":["AH","9H"]}`, `deck[1]: "9H"`},
		{"an empty deck", `{"game":"schnapsen","dealer":0,"deck":[]}`, "distinct cards"},
		{"a card short", `{"game":"schnapsen","dealer":0,"deck":` + schnapsenDeck + `]}`, "distinct cards"},
		{"a card twice", `{"game":"schnapsen","dealer":0,"deck":` + schnapsenDeck + `,"AH"]}`, "distinct cards"},
		{"a card too many", `{"game":"schnapsen","dealer":0,"deck":` + schnapsenDeck + `,"JD","JD"]}`, "distinct cards"},
		{"a long deck at a short table", `{"game":"schafkopf","options":{"shortDeck":true},"dealer":0,"deck":` +
			`["OE","OG","OH","OS","UE","UG","UH","US","AH","XH","KH","9H","8H","7H","AE","XE","KE","9E","8E","7E",` +
			`"AG","XG","KG","9G","8G","7G","AS","XS","KS","9S","8S","7S"]}`, "distinct cards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DecodeReplay([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err = r.Run(&out)
			if !errors.Is(err, ErrInvalidReplay) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Run = %v; want ErrInvalidReplay with %q", err, tt.msg)
			}
			if out.Len() != 0 {
				t.Fatalf("an invalid file wrote output: %s", out.Bytes())
			}
		})
	}
}

// replayFiles are the example replays in testdata/replay with the status
// each action must get ("ok" or the refusal code).
var replayFiles = []struct {
	file   string
	status []string
}{
	{"schnapsen-closer-wins", []string{"notYourTurn", "cardNotInHand", "badCard", "badMessage", "notSeated",
		"ok", "ok", "ok", "ok", "ok", "ok", "ok", "notPlaying", "ok"}},
	{"schafkopf-thrown-in", []string{"wrongStage", "ok", "alreadyActed", "ok", "ok", "ok",
		"notYourTurn", "ok", "ok", "ok", "ok", "ok"}},
	{"schafkopf-knock-timeout", []string{"ok", "ok", "badCard", "badMessage", "ok", "ok", "ok", "ok"}},
	// A Bettel by seat 1 (seat 3 sits out, tricks of three) after the cut
	// window's timeout, with Kontra and Re, and a refusal of each kind.
	{"bauernschnapsen-bettel-refusals", []string{"notYourTurn", "ok", "badTrumpCall", "ok",
		"ok", "badAnnouncement", "ok", "announcementTooLow", "ok", "ok",
		"ok", "kontraNotAllowed", "ok",
		"ok", "mustFollowSuit", "ok", "ok", "ok", "wrongStage", "ok", "ok",
		"ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "notPlaying"}},
	// Whole deals played by the rule bot: every action is accepted and
	// the last event is the deal's result.
	{"schafkopf-sauspiel-knock", nil},
	{"schafkopf-solo-schneider", nil},
	{"schnapsen-full-deal", nil},
	{"bauernschnapsen-aufschlagen-kontra", nil}, // a cut, Aufschlagen, the normal game with Kontra
	{"bauernschnapsen-knock-schnapser", nil},    // a knock, a Schnapser made, the partner sitting out
}

// TestReplayFiles runs the example replays and checks the output's shape
// (start events, then one status line per action followed by its events,
// events numbered from 1 without a table id) and each action's status. It
// compares the whole output with testdata/replay/NAME.out when that file
// exists; -update writes it (review the diff before committing).
func TestReplayFiles(t *testing.T) {
	for _, tt := range replayFiles {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "replay", tt.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := DecodeReplay(in)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := r.Run(&out); err != nil {
				t.Fatal(err)
			}
			checkReplayOutput(t, out.Bytes(), tt.status)
			golden := filepath.Join("testdata", "replay", tt.file+".out")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("output differs from %s:\n%s", golden, out.Bytes())
			}
		})
	}
}

// checkReplayOutput checks the shape of a replay's output and the status
// of each action. A nil status means a whole deal: every action is ok and
// the output ends with the deal's result.
func checkReplayOutput(t *testing.T, out []byte, status []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if status == nil {
		for _, line := range lines {
			if strings.HasPrefix(line, `{"i":`) {
				status = append(status, "ok")
			}
		}
		if last := lines[len(lines)-1]; !strings.Contains(last, `"type":"dealResult"`) {
			t.Fatalf("a whole deal ends with %s, want its dealResult", last)
		}
	}
	var event int64
	next := 0 // the next action's index
	refused := false
	for n, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not a JSON object: %s", n+1, line)
		}
		if i, ok := m["i"]; ok {
			if i != float64(next) || next >= len(status) {
				t.Fatalf("line %d: status of action %v, want action %d of %d", n+1, i, next, len(status))
			}
			got := "ok"
			if m["ok"] != true {
				got, _ = m["code"].(string)
			}
			if got != status[next] {
				t.Errorf("action %d: %s, want %s (%s)", next, got, status[next], line)
			}
			refused = m["ok"] != true
			next++
			continue
		}
		event++
		if m["event"] != float64(event) || m["type"] == nil || m["table"] != nil {
			t.Fatalf("line %d: want event %d with a type and no table: %s", n+1, event, line)
		}
		if n == 0 && m["type"] != "gameStarted" {
			t.Fatalf("the first line is %s, want gameStarted", line)
		}
		if refused {
			t.Fatalf("line %d: a refused action caused an event: %s", n+1, line)
		}
	}
	if next != len(status) {
		t.Fatalf("%d status lines, want %d", next, len(status))
	}
}
