package codec

import (
	"strconv"

	"tableraft/game"
)

// Message is a decoded client message: one of Hello, Ping, ListTables,
// CreateTable, JoinTable, LeaveTable, Sync or GameCommand.
type Message interface {
	// Type is the message's wire type ("joinTable").
	Type() string
}

// Hello is the first message of a session. Resume lists the tables the
// client has events of, with the last event number it holds of each.
type Hello struct {
	Token  string
	Resume []Resume
}

// Resume is one table the client resumes: it holds events up to Event.
type Resume struct {
	Table int64
	Event int64
}

// Ping is a keep-alive, answered by pong.
type Ping struct{}

// ListTables asks for the table list.
type ListTables struct{ Seq int64 }

// CreateTable creates a table and seats the sender; Bots fills that many
// other seats with server bots. Game is not checked here: game.NewTable
// refuses an unknown game or bad options with badOptions.
type CreateTable struct {
	Seq     int64
	Game    game.Kind
	Options game.Options
	Bots    int
}

// JoinTable takes a free seat at Table.
type JoinTable struct{ Seq, Table int64 }

// LeaveTable leaves Table.
type LeaveTable struct{ Seq, Table int64 }

// Sync asks for the full state of Table (answered by tableState).
type Sync struct{ Seq, Table int64 }

func (Hello) Type() string       { return "hello" }
func (Ping) Type() string        { return "ping" }
func (ListTables) Type() string  { return "listTables" }
func (CreateTable) Type() string { return "createTable" }
func (JoinTable) Type() string   { return "joinTable" }
func (LeaveTable) Type() string  { return "leaveTable" }
func (Sync) Type() string        { return "sync" }

// Decode reads one client message. Every problem gives a *Error with code
// badMessage; Decode never panics. A game command comes back as a
// GameCommand whose card and suit codes are not read yet (Resolve does).
func Decode(b []byte) (Message, error) {
	if len(b) > MaxMessageSize {
		return nil, badMessage("the message is longer than " + strconv.Itoa(MaxMessageSize) + " bytes")
	}
	o, err := parseObject(b)
	if err != nil {
		return nil, err
	}
	typ := o.needStr("type")
	if o.err != nil {
		return nil, o.err
	}
	m := decodeType(&o, typ)
	if o.err != nil {
		return nil, o.err
	}
	return m, nil
}

// decodeType reads the fields of a message of type typ; problems land in
// o.err, with the seq attached once it was read.
func decodeType(o *object, typ string) Message {
	switch typ {
	case "hello":
		return decodeHello(o)
	case "ping":
		return Ping{}
	case "listTables", "createTable", "joinTable", "leaveTable", "sync":
	default:
		if !isCommand(typ) {
			o.failf("unknown message type %q", typ)
			return nil
		}
	}
	seq := o.positive("seq")
	if o.err != nil {
		return nil
	}
	defer func() {
		if o.err != nil {
			o.err.Seq = seq
		}
	}()
	switch typ {
	case "listTables":
		return ListTables{Seq: seq}
	case "createTable":
		return decodeCreateTable(o, seq)
	case "joinTable":
		return JoinTable{Seq: seq, Table: o.positive("table")}
	case "leaveTable":
		return LeaveTable{Seq: seq, Table: o.positive("table")}
	case "sync":
		return Sync{Seq: seq, Table: o.positive("table")}
	}
	c := GameCommand{Seq: seq, Table: o.positive("table")}
	decodeCommand(o, typ, &c)
	return c
}

func decodeHello(o *object) Message {
	h := Hello{Token: o.needStr("token")}
	r := o.raw("resume")
	if r == nil || o.err != nil {
		return h
	}
	switch r[0] {
	case '{':
		h.Resume = []Resume{decodeResume(o, "resume", r)}
		return h
	case '[':
	default:
		o.failf("field %q must be an object or an array", "resume")
		return h
	}
	for i, e := range o.list("resume") {
		h.Resume = append(h.Resume, decodeResume(o, "resume["+strconv.Itoa(i)+"]", e))
	}
	return h
}

// decodeResume reads one {table, event} entry of hello's resume.
func decodeResume(o *object, label string, r []byte) Resume {
	n, err := parseObject(r)
	if err != nil {
		o.failf("%s must be an object", label)
		return Resume{}
	}
	res := Resume{Table: n.positive("table")}
	ev, ok := n.integer("event")
	switch {
	case n.err != nil:
	case !ok:
		n.failf("missing field %q", "event")
	case ev < 0:
		n.failf("field %q must not be negative", "event")
	}
	res.Event = ev
	o.adopt(label, &n)
	return res
}

func decodeCreateTable(o *object, seq int64) Message {
	c := CreateTable{Seq: seq, Game: game.Kind(o.needStr("game"))}
	bots, _ := o.integer("bots")
	if bots < 0 || bots > 3 {
		o.failf("field %q must be between 0 and 3", "bots")
	}
	c.Bots = int(bots)
	c.Options = decodeOptions(o)
	return c
}

// decodeOptions reads the optional "options" object of createTable and of
// a replay file. Their values are the table's to check (badOptions).
func decodeOptions(o *object) game.Options {
	var opts game.Options
	if n, ok := o.nested("options"); ok {
		opts.ShortDeck = n.flag("shortDeck")
		opts.TurnTimeoutMs, _ = n.integer("turnTimeoutMs")
		o.adopt("options", &n)
	}
	return opts
}
