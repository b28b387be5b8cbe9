package fsm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
)

// snapshotV1 is the version of the snapshot encoding. A node refuses to
// restore a version it does not know rather than guess.
const snapshotV1 = 1

// wireState is the snapshot encoding: the state with every map turned into
// a slice sorted by key, so equal states encode to equal bytes.
type wireState struct {
	Version int
	// Index is the log index of the last command applied when a snapshot
	// was taken; the state hash leaves it out (it encodes with Index 0).
	Index     uint64 `json:",omitempty"`
	NextTable int64
	Tables    []*tableState
	Windows   []*seqWindow
	Outbox    []Result
	Nodes     []NodeInfo
}

func encodeState(s *state, index uint64) ([]byte, error) {
	w := wireState{Version: snapshotV1, Index: index, NextTable: s.NextTable, Outbox: s.Outbox}
	for _, t := range s.Tables {
		w.Tables = append(w.Tables, t)
	}
	sort.Slice(w.Tables, func(i, j int) bool { return w.Tables[i].ID < w.Tables[j].ID })
	for _, win := range s.Windows {
		w.Windows = append(w.Windows, win)
	}
	sort.Slice(w.Windows, func(i, j int) bool { return w.Windows[i].Player < w.Windows[j].Player })
	for _, n := range s.Nodes {
		w.Nodes = append(w.Nodes, n)
	}
	sort.Slice(w.Nodes, func(i, j int) bool { return w.Nodes[i].ID < w.Nodes[j].ID })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(&w); err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeState(b []byte) (*state, uint64, error) {
	var w wireState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, 0, fmt.Errorf("decode state: %w", err)
	}
	if w.Version != snapshotV1 {
		return nil, 0, fmt.Errorf("decode state: unknown snapshot version %d", w.Version)
	}
	s := newState()
	s.NextTable = w.NextTable
	s.Outbox = w.Outbox
	for _, t := range w.Tables {
		if t == nil || t.Table == nil {
			return nil, 0, fmt.Errorf("decode state: a table without state")
		}
		if len(t.Seats) != t.Table.Seats() {
			return nil, 0, fmt.Errorf("decode state: table %d has %d seats, its game %d", t.ID, len(t.Seats), t.Table.Seats())
		}
		if _, dup := s.Tables[t.ID]; dup || t.ID <= 0 || t.ID >= s.NextTable {
			return nil, 0, fmt.Errorf("decode state: bad table id %d", t.ID)
		}
		s.Tables[t.ID] = t
	}
	for _, win := range w.Windows {
		if win == nil || win.Player == "" || len(win.Outcomes) > DedupWindow {
			return nil, 0, fmt.Errorf("decode state: bad dedup window")
		}
		s.Windows[win.Player] = win
	}
	for _, n := range w.Nodes {
		if n.ID == "" {
			return nil, 0, fmt.Errorf("decode state: node info without an id")
		}
		s.Nodes[n.ID] = n
	}
	return s, w.Index, nil
}

// Encode returns the state as a snapshot would hold it: the bytes that
// replicas compare.
func (f *FSM) Encode() ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return encodeState(f.s, 0)
}

// StateHash is a hash of the applied state (SHA-256 of its snapshot
// encoding, hex): equal on every node that applied the same log.
func (f *FSM) StateHash() string {
	b, err := f.Encode()
	if err != nil {
		return "error: " + err.Error()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
