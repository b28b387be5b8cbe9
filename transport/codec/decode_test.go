package codec

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"tableraft/game"
)

// validMessages are client messages Decode accepts, with what they decode
// to. They also seed FuzzDecodeCommand.
var validMessages = []struct {
	name string
	in   string
	want Message
}{
	{"hello without resume", `{"type":"hello","token":"t.k.n"}`, Hello{Token: "t.k.n"}},
	{"hello resumes one table", `{"type":"hello","token":"x","resume":{"table":9,"event":123}}`,
		Hello{Token: "x", Resume: []Resume{{9, 123}}}},
	{"hello resumes a list", `{"type":"hello","token":"x","resume": [ {"table":9,"event":0}, {"table":3,"event":7} ]}`,
		Hello{Token: "x", Resume: []Resume{{9, 0}, {3, 7}}}},
	{"hello with an empty resume list", `{"type":"hello","token":"x","resume":[]}`, Hello{Token: "x"}},
	{"hello ignores a seq", `{"type":"hello","token":"x","seq":"whatever"}`, Hello{Token: "x"}},
	{"ping", `{"type":"ping"}`, Ping{}},
	{"ping ignores extra fields", `{"type":"ping","seq":1,"x":[1,{"y":null}]}`, Ping{}},
	{"listTables", `{"type":"listTables","seq":1}`, ListTables{Seq: 1}},
	{"createTable", `{"type":"createTable","seq":2,"game":"schafkopf","options":{"shortDeck":true,"turnTimeoutMs":15000},"bots":3}`,
		CreateTable{Seq: 2, Game: game.KindSchafkopf, Options: game.Options{ShortDeck: true, TurnTimeoutMs: 15000}, Bots: 3}},
	{"createTable with defaults", `{"type":"createTable","seq":2,"game":"schnapsen"}`,
		CreateTable{Seq: 2, Game: game.KindSchnapsen}},
	{"createTable leaves the game to the table", `{"type":"createTable","seq":2,"game":"poker","options":{}}`,
		CreateTable{Seq: 2, Game: "poker"}},
	{"joinTable", `{"type":"joinTable","seq":3,"table":9}`, JoinTable{Seq: 3, Table: 9}},
	{"leaveTable", `{"type":"leaveTable","seq":4,"table":9}`, LeaveTable{Seq: 4, Table: 9}},
	{"sync", `{"type":"sync","seq":5,"table":9}`, Sync{Seq: 5, Table: 9}},
	{"playACard", `{"type":"playACard","seq":17,"table":9,"card":"XH"}`,
		GameCommand{Name: "playACard", Seq: 17, Table: 9, Card: "XH"}},
	{"playACard with marriage", `{"type":"playACard","seq":17,"table":9,"card":"QH","marriage":true}`,
		GameCommand{Name: "playACard", Seq: 17, Table: 9, Card: "QH", Marriage: true}},
	{"playACard keeps an unknown code for Resolve", `{"type":"playACard","seq":1,"table":1,"card":"ZZZ"}`,
		GameCommand{Name: "playACard", Seq: 1, Table: 1, Card: "ZZZ"}},
	{"knock", `{"type":"knock","seq":1,"table":2}`, GameCommand{Name: "knock", Seq: 1, Table: 2}},
	{"knock ignores a card field", `{"type":"knock","seq":1,"table":2,"card":5}`, GameCommand{Name: "knock", Seq: 1, Table: 2}},
	{"noKnock", `{"type":"noKnock","seq":1,"table":2}`, GameCommand{Name: "noKnock", Seq: 1, Table: 2}},
	{"announce sauspiel", `{"type":"announce","seq":1,"table":2,"game":"sauspiel","ace":"AE"}`,
		GameCommand{Name: "announce", Seq: 1, Table: 2, Game: "sauspiel", Ace: "AE"}},
	{"announce wenz", `{"type":"announce","seq":1,"table":2,"game":"wenz"}`,
		GameCommand{Name: "announce", Seq: 1, Table: 2, Game: "wenz"}},
	{"announce solo", `{"type":"announce","seq":1,"table":2,"game":"solo","suit":"H"}`,
		GameCommand{Name: "announce", Seq: 1, Table: 2, Game: "solo", Suit: "H"}},
	{"announce schnapser", `{"type":"announce","seq":1,"table":2,"game":"schnapser"}`,
		GameCommand{Name: "announce", Seq: 1, Table: 2, Game: "schnapser"}},
	{"announce kontrabauernschnapser", `{"type":"announce","seq":1,"table":2,"game":"kontrabauernschnapser"}`,
		GameCommand{Name: "announce", Seq: 1, Table: 2, Game: "kontrabauernschnapser"}},
	{"pass", `{"type":"pass","seq":1,"table":2}`, GameCommand{Name: "pass", Seq: 1, Table: 2}},
	{"kontra", `{"type":"kontra","seq":1,"table":2}`, GameCommand{Name: "kontra", Seq: 1, Table: 2}},
	{"re", `{"type":"re","seq":1,"table":2}`, GameCommand{Name: "re", Seq: 1, Table: 2}},
	{"exchangeTrump", `{"type":"exchangeTrump","seq":1,"table":2}`, GameCommand{Name: "exchangeTrump", Seq: 1, Table: 2}},
	{"closeTalon", `{"type":"closeTalon","seq":1,"table":2}`, GameCommand{Name: "closeTalon", Seq: 1, Table: 2}},
	{"cut", `{"type":"cut","seq":1,"table":2}`, GameCommand{Name: "cut", Seq: 1, Table: 2}},
	{"callTrump suit", `{"type":"callTrump","seq":1,"table":2,"suit":"H"}`,
		GameCommand{Name: "callTrump", Seq: 1, Table: 2, Suit: "H"}},
	{"callTrump aufschlagen", `{"type":"callTrump","seq":1,"table":2,"aufschlagen":true}`,
		GameCommand{Name: "callTrump", Seq: 1, Table: 2, Aufschlagen: true}},
	{"null counts as absent", `{"type":"playACard","seq":1,"table":2,"card":"XH","marriage":null}`,
		GameCommand{Name: "playACard", Seq: 1, Table: 2, Card: "XH"}},
	{"a duplicate field takes the last value", `{"type":"sync","seq":1,"seq":2,"table":9}`, Sync{Seq: 2, Table: 9}},
	{"whitespace around the object", " \t{\"type\":\"ping\"}\r\n", Ping{}},
	{"seq at the top of int64", `{"type":"listTables","seq":9223372036854775807}`, ListTables{Seq: 9223372036854775807}},
}

func TestDecodeAcceptsEveryMessage(t *testing.T) {
	for _, tt := range validMessages {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode(%s): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Decode(%s)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
			if got.Type() != tt.want.Type() {
				t.Fatalf("Type() = %q", got.Type())
			}
		})
	}
}

// badMessages are inputs Decode refuses, with the seq the error carries
// and a piece of its message.
var badMessages = []struct {
	name string
	in   string
	seq  int64
	msg  string
}{
	{"empty input", ``, 0, "malformed JSON"},
	{"not JSON", `hello`, 0, "malformed JSON"},
	{"truncated JSON", `{"type":"ping"`, 0, "malformed JSON"},
	{"trailing data", `{"type":"ping"} {}`, 0, "malformed JSON"},
	{"two objects", `{"type":"ping"}{"type":"ping"}`, 0, "malformed JSON"},
	{"null", `null`, 0, "not null"},
	{"an array", `[{"type":"ping"}]`, 0, "JSON object"},
	{"a string", `"ping"`, 0, "JSON object"},
	{"a number", `17`, 0, "JSON object"},
	{"missing type", `{"seq":1}`, 0, `missing field "type"`},
	{"empty type", `{"type":""}`, 0, `missing field "type"`},
	{"type is not a string", `{"type":5}`, 0, `field "type" must be a string`},
	{"type is matched case-sensitively", `{"Type":"ping"}`, 0, `missing field "type"`},
	{"unknown type", `{"type":"explode","seq":1}`, 0, `unknown message type "explode"`},
	{"unknown type without seq", `{"type":"explode"}`, 0, `unknown message type "explode"`},
	{"type names are case-sensitive", `{"type":"PlayACard","seq":1,"table":1,"card":"XH"}`, 0, "unknown message type"},
	{"timeout is no client message", `{"type":"timeout","seq":1,"table":1}`, 0, "unknown message type"},
	{"hello without token", `{"type":"hello"}`, 0, `missing field "token"`},
	{"hello token not a string", `{"type":"hello","token":1}`, 0, `"token" must be a string`},
	{"hello resume not an object or list", `{"type":"hello","token":"x","resume":5}`, 0, `"resume" must be an object or an array`},
	{"hello resume entry not an object", `{"type":"hello","token":"x","resume":[5]}`, 0, `resume[0] must be an object`},
	{"hello resume without event", `{"type":"hello","token":"x","resume":{"table":9}}`, 0, `missing field "event"`},
	{"hello resume negative event", `{"type":"hello","token":"x","resume":[{"table":9,"event":-1}]}`, 0, `must not be negative`},
	{"hello resume table zero", `{"type":"hello","token":"x","resume":{"table":0,"event":1}}`, 0, `"table" must be a positive integer`},
	{"missing seq", `{"type":"listTables"}`, 0, `missing field "seq"`},
	{"seq zero", `{"type":"listTables","seq":0}`, 0, `"seq" must be a positive integer`},
	{"seq negative", `{"type":"listTables","seq":-4}`, 0, `"seq" must be a positive integer`},
	{"seq a string", `{"type":"listTables","seq":"1"}`, 0, `"seq" must be an integer`},
	{"seq a fraction", `{"type":"listTables","seq":1.5}`, 0, `"seq" must be an integer`},
	{"seq with an exponent", `{"type":"listTables","seq":1e3}`, 0, `"seq" must be an integer`},
	{"seq beyond int64", `{"type":"listTables","seq":9223372036854775808}`, 0, `"seq" must be an integer`},
	{"joinTable without table", `{"type":"joinTable","seq":3}`, 3, `missing field "table"`},
	{"leaveTable table zero", `{"type":"leaveTable","seq":3,"table":0}`, 3, `"table" must be a positive integer`},
	{"sync table a string", `{"type":"sync","seq":3,"table":"9"}`, 3, `"table" must be an integer`},
	{"createTable without game", `{"type":"createTable","seq":2}`, 2, `missing field "game"`},
	{"createTable options not an object", `{"type":"createTable","seq":2,"game":"schafkopf","options":[]}`, 2, `"options" must be an object`},
	{"createTable shortDeck not a bool", `{"type":"createTable","seq":2,"game":"schafkopf","options":{"shortDeck":"yes"}}`, 2, `"shortDeck" must be true or false`},
	{"createTable turnTimeoutMs a fraction", `{"type":"createTable","seq":2,"game":"schafkopf","options":{"turnTimeoutMs":0.5}}`, 2, `"turnTimeoutMs" must be an integer`},
	{"createTable bots negative", `{"type":"createTable","seq":2,"game":"schafkopf","bots":-1}`, 2, `"bots" must be between 0 and 3`},
	{"createTable bots above three", `{"type":"createTable","seq":2,"game":"schafkopf","bots":4}`, 2, `"bots" must be between 0 and 3`},
	{"game command without table", `{"type":"knock","seq":8}`, 8, `missing field "table"`},
	{"game command without seq", `{"type":"knock","table":8}`, 0, `missing field "seq"`},
	{"playACard without card", `{"type":"playACard","seq":8,"table":1}`, 8, `missing field "card"`},
	{"playACard empty card", `{"type":"playACard","seq":8,"table":1,"card":""}`, 8, `missing field "card"`},
	{"playACard card not a string", `{"type":"playACard","seq":8,"table":1,"card":10}`, 8, `"card" must be a string`},
	{"playACard marriage not a bool", `{"type":"playACard","seq":8,"table":1,"card":"QH","marriage":1}`, 8, `"marriage" must be true or false`},
	{"announce without game", `{"type":"announce","seq":8,"table":1}`, 8, `missing field "game"`},
	{"announce unknown game", `{"type":"announce","seq":8,"table":1,"game":"ramsch"}`, 8, `unknown game "ramsch"`},
	{"sauspiel without ace", `{"type":"announce","seq":8,"table":1,"game":"sauspiel"}`, 8, `needs the called "ace"`},
	{"solo without suit", `{"type":"announce","seq":8,"table":1,"game":"solo"}`, 8, `needs its trump "suit"`},
	{"wenz with an ace", `{"type":"announce","seq":8,"table":1,"game":"wenz","ace":"AE"}`, 8, `only a sauspiel calls`},
	{"sauspiel with a suit", `{"type":"announce","seq":8,"table":1,"game":"sauspiel","ace":"AE","suit":"H"}`, 8, `only a solo names`},
	{"announce ace not a string", `{"type":"announce","seq":8,"table":1,"game":"sauspiel","ace":true}`, 8, `"ace" must be a string`},
	{"callTrump with neither", `{"type":"callTrump","seq":8,"table":1}`, 8, `needs either`},
	{"callTrump with both", `{"type":"callTrump","seq":8,"table":1,"suit":"H","aufschlagen":true}`, 8, `needs either`},
	{"callTrump aufschlagen false alone", `{"type":"callTrump","seq":8,"table":1,"aufschlagen":false}`, 8, `needs either`},
	{"over the size limit", `{"type":"ping","pad":"` + strings.Repeat("x", MaxMessageSize) + `"}`, 0, "longer than 4096 bytes"},
}

func TestDecodeRefusesMalformedMessages(t *testing.T) {
	for _, tt := range badMessages {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode([]byte(tt.in))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Decode(%s) = %#v, %v; want a *codec.Error", tt.in, m, err)
			}
			if m != nil {
				t.Errorf("Decode returned a message with its error: %#v", m)
			}
			if ce.Code != CodeBadMessage || ce.Seq != tt.seq || !strings.Contains(ce.Message, tt.msg) {
				t.Errorf("Decode(%s) = %+v; want code %s, seq %d, message with %q", tt.in, ce, CodeBadMessage, tt.seq, tt.msg)
			}
		})
	}
}

func TestDecodeSizeLimitIsInclusive(t *testing.T) {
	head, tail := `{"type":"ping","pad":"`, `"}`
	in := head + strings.Repeat("x", MaxMessageSize-len(head)-len(tail)) + tail
	if _, err := Decode([]byte(in)); err != nil {
		t.Fatalf("a message of exactly %d bytes: %v", len(in), err)
	}
	if _, err := Decode([]byte(in + " ")); err == nil {
		t.Fatalf("a message of %d bytes was accepted", len(in)+1)
	}
}

func TestResolveReadsCodesWithTheTablesNotation(t *testing.T) {
	sk, sn := game.SchafkopfNotation, game.SchnapsenNotation
	tests := []struct {
		name string
		cmd  GameCommand
		n    game.Notation
		want game.Command
	}{
		{"schafkopf S is Schellen", GameCommand{Name: "playACard", Card: "XS"}, sk,
			game.PlayCard{Card: game.Card{Rank: game.Ten, Suit: game.Diamonds}}},
		{"schnapsen S is spades", GameCommand{Name: "playACard", Card: "XS"}, sn,
			game.PlayCard{Card: game.Card{Rank: game.Ten, Suit: game.Spades}}},
		{"schafkopf ober", GameCommand{Name: "playACard", Card: "OE"}, sk,
			game.PlayCard{Card: game.Card{Rank: game.Queen, Suit: game.Clubs}}},
		{"marriage", GameCommand{Name: "playACard", Card: "QH", Marriage: true}, sn,
			game.PlayCard{Card: game.Card{Rank: game.Queen, Suit: game.Hearts}, Marriage: true}},
		{"sauspiel", GameCommand{Name: "announce", Game: "sauspiel", Ace: "AG"}, sk,
			game.Announce{Game: game.Sauspiel, Ace: game.Card{Rank: game.Ace, Suit: game.Spades}}},
		{"solo", GameCommand{Name: "announce", Game: "solo", Suit: "S"}, sk,
			game.Announce{Game: game.Solo, Suit: game.Diamonds}},
		{"wenz", GameCommand{Name: "announce", Game: "wenz"}, sk, game.Announce{Game: game.Wenz}},
		{"callTrump suit", GameCommand{Name: "callTrump", Suit: "C"}, sn, game.CallTrump{Suit: game.Clubs}},
		{"callTrump aufschlagen", GameCommand{Name: "callTrump", Aufschlagen: true}, sn, game.CallTrump{Aufschlagen: true}},
		{"knock", GameCommand{Name: "knock"}, sk, game.Knock{}},
		{"noKnock", GameCommand{Name: "noKnock"}, sk, game.NoKnock{}},
		{"pass", GameCommand{Name: "pass"}, sk, game.Pass{}},
		{"kontra", GameCommand{Name: "kontra"}, sk, game.Kontra{}},
		{"re", GameCommand{Name: "re"}, sk, game.Re{}},
		{"exchangeTrump", GameCommand{Name: "exchangeTrump"}, sn, game.ExchangeTrump{}},
		{"closeTalon", GameCommand{Name: "closeTalon"}, sn, game.CloseTalon{}},
		{"cut", GameCommand{Name: "cut"}, sn, game.Cut{}},
		{"bauernschnapsen knock", GameCommand{Name: "knock"}, sn, game.Knock{}},
		{"bettel", GameCommand{Name: "announce", Game: "bettel"}, sn, game.Announce{Game: game.Bettel}},
		{"schnapser", GameCommand{Name: "announce", Game: "schnapser"}, sn, game.Announce{Game: game.Schnapser}},
		{"gang", GameCommand{Name: "announce", Game: "gang"}, sn, game.Announce{Game: game.Gang}},
		{"bauernschnapser", GameCommand{Name: "announce", Game: "bauernschnapser"}, sn, game.Announce{Game: game.Bauernschnapser}},
		{"kontraschnapser", GameCommand{Name: "announce", Game: "kontraschnapser"}, sn, game.Announce{Game: game.Kontraschnapser}},
		{"kontrabauernschnapser", GameCommand{Name: "announce", Game: "kontrabauernschnapser"}, sn,
			game.Announce{Game: game.Kontrabauernschnapser}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Resolve(tt.n)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Resolve = %#v, %v; want %#v", got, err, tt.want)
			}
			back, err := FromCommand(got, tt.n)
			if err != nil || back != tt.cmd {
				t.Fatalf("FromCommand(%#v) = %#v, %v; want %#v", got, back, err, tt.cmd)
			}
		})
	}
}

func TestResolveRefusesCodesTheGameLacks(t *testing.T) {
	sk, sn := game.SchafkopfNotation, game.SchnapsenNotation
	tests := []struct {
		name string
		cmd  GameCommand
		n    game.Notation
		code string
	}{
		{"a nine in schnapsen", GameCommand{Name: "playACard", Seq: 4, Card: "9H"}, sn, CodeBadCard},
		{"a queen letter in schafkopf", GameCommand{Name: "playACard", Seq: 4, Card: "QH"}, sk, CodeBadCard},
		{"a schafkopf suit in schnapsen", GameCommand{Name: "playACard", Seq: 4, Card: "AE"}, sn, CodeBadCard},
		{"lower case", GameCommand{Name: "playACard", Seq: 4, Card: "xh"}, sk, CodeBadCard},
		{"three characters", GameCommand{Name: "playACard", Seq: 4, Card: "XHH"}, sk, CodeBadCard},
		{"a bad called ace", GameCommand{Name: "announce", Seq: 4, Game: "sauspiel", Ace: "AX"}, sk, CodeBadCard},
		{"a bad solo suit", GameCommand{Name: "announce", Seq: 4, Game: "solo", Suit: "D"}, sk, CodeBadCard},
		{"a two-letter suit", GameCommand{Name: "callTrump", Seq: 4, Suit: "HH"}, sn, CodeBadCard},
		{"an unknown command", GameCommand{Name: "fold", Seq: 4}, sn, CodeBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Resolve(tt.n)
			var ce *Error
			if !errors.As(err, &ce) || ce.Code != tt.code || ce.Seq != 4 {
				t.Fatalf("Resolve = %#v, %v; want a *codec.Error %s with seq 4", got, err, tt.code)
			}
		})
	}
}

func TestBadCardIsTheGamesCode(t *testing.T) {
	if CodeBadCard != game.ErrBadCard.Code || CodeNotSeated != game.ErrNotSeated.Code {
		t.Fatal("the codec's badCard/notSeated differ from the game's")
	}
}

func TestFromCommandRefusesSystemCommands(t *testing.T) {
	for _, cmd := range []game.Command{game.StartDeal{}, game.Timeout{}, nil} {
		if _, err := FromCommand(cmd, game.SchafkopfNotation); err == nil {
			t.Errorf("FromCommand(%#v) gave no error", cmd)
		}
	}
}

func TestEncodeCommandRoundTrips(t *testing.T) {
	for _, tt := range validMessages {
		c, ok := tt.want.(GameCommand)
		if !ok {
			continue
		}
		b := EncodeCommand(c)
		got, err := Decode(b)
		if err != nil || got != c {
			t.Errorf("%s: Decode(EncodeCommand) = %#v, %v from %s; want %#v", tt.name, got, err, b, c)
		}
	}
}
