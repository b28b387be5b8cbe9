package raftnode

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// testFSM is an append-only list of commands with a running hash: enough
// to see lost, duplicated or reordered entries. Apply returns the 1-based
// position of the command. The real state machine lives in fsm/.
type testFSM struct {
	mu       sync.Mutex
	cmds     []string
	hash     uint64
	restores int
	// applyDelay makes every Apply this much slower (a node with a long
	// log to replay).
	applyDelay time.Duration
}

func newTestFSM() *testFSM { return &testFSM{hash: fnv.New64a().Sum64()} }

func (f *testFSM) Apply(l *raft.Log) any {
	time.Sleep(f.applyDelay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cmds = append(f.cmds, string(l.Data))
	f.hash = chainHash(f.hash, l.Data)
	return len(f.cmds)
}

func chainHash(prev uint64, data []byte) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(prev >> (8 * i))
	}
	h.Write(b[:])
	h.Write(data)
	return h.Sum64()
}

func (f *testFSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &testSnapshot{Cmds: slices.Clone(f.cmds), Hash: f.hash}, nil
}

func (f *testFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	var s testSnapshot
	if err := json.NewDecoder(rc).Decode(&s); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cmds, f.hash = s.Cmds, s.Hash
	f.restores++
	return nil
}

// state returns the number of commands and the hash.
func (f *testFSM) state() (int, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.cmds), f.hash
}

func (f *testFSM) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.cmds)
}

func (f *testFSM) restoreCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.restores
}

type testSnapshot struct {
	Cmds []string
	Hash uint64
}

func (s *testSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := json.NewEncoder(sink).Encode(s); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}

func (s *testSnapshot) Release() {}
