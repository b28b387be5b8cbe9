package raftnode

import (
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
)

// hintingTransport is the network transport with one change on the
// follower's side: when the follower rejects an AppendEntries because its
// log disagrees with the leader's at PrevLogEntry, the answer's LastLog
// tells the leader where to look next.
//
// Why: hashicorp/raft's leader, told "no", steps back one entry per round
// trip (nextIndex = min(nextIndex-1, LastLog+1)), and a follower answers
// with the end of its log, which is no help when the logs disagree rather
// than one being short. A leader cut off from the others keeps appending
// the commands it is handed until its lease runs out; when it comes back
// as a follower, those entries conflict with what the new leader
// committed at the same indexes, and each one cost a round trip that
// carried up to maxAppendEntries entries: measured, 180 such entries kept
// the new leader from committing for 4 s (`tablebench chaos --faults
// partition`), the whole table waiting.
//
// The hint is the larger of the follower's applied index (applied means
// committed, and committed entries are in every later leader's log, so the
// logs agree up to there) and PrevLogEntry minus maxAppendEntries (never
// more than one RPC's worth of entries sent again). Any LastLog is safe:
// the leader only moves nextIndex back with it, and the follower checks
// every AppendEntries' previous entry as before; a hint too far back only
// costs entries sent twice. Apache Ratis answers with the commit index in
// the same case.
type hintingTransport struct {
	*raft.NetworkTransport
	logs     raft.LogStore
	applied  atomic.Pointer[func() uint64]
	consumer chan raft.RPC
	done     chan struct{}
	once     sync.Once
	// disagreements counts the AppendEntries this follower rejected
	// because its log disagreed with the leader's (tests).
	disagreements atomic.Int64
}

func newHintingTransport(inner *raft.NetworkTransport, logs raft.LogStore) *hintingTransport {
	t := &hintingTransport{NetworkTransport: inner, logs: logs, consumer: make(chan raft.RPC), done: make(chan struct{})}
	go t.forward()
	return t
}

// setApplied gives the transport raft's applied index, once raft exists.
func (t *hintingTransport) setApplied(f func() uint64) { t.applied.Store(&f) }

// Consumer is what raft reads the RPCs from.
func (t *hintingTransport) Consumer() <-chan raft.RPC { return t.consumer }

// Close stops the forwarding and closes the network transport.
func (t *hintingTransport) Close() error {
	t.once.Do(func() { close(t.done) })
	return t.NetworkTransport.Close()
}

// forward hands every RPC to raft; an AppendEntries that names a previous
// entry gets its answer looked at on the way back.
func (t *hintingTransport) forward() {
	in := t.NetworkTransport.Consumer()
	for {
		var rpc raft.RPC
		select {
		case rpc = <-in:
		case <-t.done:
			return
		}
		if req, ok := rpc.Command.(*raft.AppendEntriesRequest); ok && req.PrevLogEntry > 0 {
			orig, mine := rpc.RespChan, make(chan raft.RPCResponse, 1)
			rpc.RespChan = mine
			go func() {
				select {
				case r := <-mine:
					if resp, ok := r.Response.(*raft.AppendEntriesResponse); ok {
						t.hint(req, resp)
					}
					orig <- r // the transport's channel has room for the one answer
				case <-t.done:
				}
			}()
		}
		select {
		case t.consumer <- rpc:
		case <-t.done:
			return
		}
	}
}

// hint lowers resp.LastLog when the rejection was a disagreement at
// PrevLogEntry: this follower holds that entry with another term.
func (t *hintingTransport) hint(req *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) {
	p := req.PrevLogEntry
	if resp.Success || resp.Term != req.Term || p > resp.LastLog {
		return // accepted, a stale leader, or a short log (LastLog already says where it ends)
	}
	var prev raft.Log
	if err := t.logs.GetLog(p, &prev); err != nil || prev.Term == req.PrevLogTerm {
		return // compacted here, or rejected for another reason (a failed write)
	}
	t.disagreements.Add(1)
	floor := uint64(0)
	if f := t.applied.Load(); f != nil {
		floor = (*f)()
	}
	if p > maxAppendEntries {
		floor = max(floor, p-maxAppendEntries)
	}
	if floor < p-1 && floor < resp.LastLog {
		resp.LastLog = floor
	}
}
