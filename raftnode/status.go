package raftnode

import (
	"strings"
	"time"

	"github.com/hashicorp/raft"
)

// Status is a point-in-time picture of a node, for /status and tablectl.
// Its fields are read one after another, not atomically: under load the
// indexes may be a few entries apart from each other.
type Status struct {
	ID string `json:"id"`
	// State is "leader", "follower", "candidate" or "shutdown".
	State        string `json:"state"`
	Term         uint64 `json:"term"`
	LastLogIndex uint64 `json:"lastLogIndex"`
	CommitIndex  uint64 `json:"commitIndex"`
	// AppliedIndex is the last index raft handed to the FSM.
	AppliedIndex uint64 `json:"appliedIndex"`
	LeaderID     string `json:"leaderId"`
	LeaderAddr   string `json:"leaderAddr"`
	// LastContact is when this node last heard from a leader; zero on the
	// leader and on a node that never heard from one.
	LastContact time.Time `json:"lastContact"`
	// Servers is the latest membership this node knows (possibly not yet
	// committed).
	Servers []Server `json:"servers"`
}

// Server is one member in a Status.
type Server struct {
	ID   string `json:"id"`
	Addr string `json:"addr"`
	// Suffrage is "voter", "nonvoter" or "staging".
	Suffrage string `json:"suffrage"`
}

// Status reports this node's view of the group.
func (n *Node) Status() Status {
	state := n.raft.State()
	leaderAddr, leaderID := n.raft.LeaderWithID()
	s := Status{
		ID:           n.cfg.ID,
		State:        strings.ToLower(state.String()),
		Term:         n.raft.CurrentTerm(),
		LastLogIndex: n.raft.LastIndex(),
		CommitIndex:  n.raft.CommitIndex(),
		AppliedIndex: n.raft.AppliedIndex(),
		LeaderID:     string(leaderID),
		LeaderAddr:   string(leaderAddr),
		Servers:      n.servers(),
	}
	if state != raft.Leader {
		s.LastContact = n.raft.LastContact()
	}
	return s
}

// servers lists the latest membership this node knows. Raft answers from
// a copy, without its main loop, so this does not block.
func (n *Node) servers() []Server {
	f := n.raft.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	cfg := f.Configuration()
	out := make([]Server, 0, len(cfg.Servers))
	for _, s := range cfg.Servers {
		out = append(out, Server{
			ID:       string(s.ID),
			Addr:     string(s.Address),
			Suffrage: strings.ToLower(s.Suffrage.String()),
		})
	}
	return out
}

// IsLeader reports whether this node is the leader right now. It can be
// stale the moment it returns; Propose is the authoritative check.
func (n *Node) IsLeader() bool { return n.raft.State() == raft.Leader }

// Leader returns the ID and Raft address of the leader this node knows
// of; both are empty when none is known.
func (n *Node) Leader() (id, addr string) {
	a, i := n.raft.LeaderWithID()
	return string(i), string(a)
}

// LeaderAddr returns the Raft address of the leader this node knows of, or
// "" when none is known.
func (n *Node) LeaderAddr() string {
	_, addr := n.Leader()
	return addr
}
