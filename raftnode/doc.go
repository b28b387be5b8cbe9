// Package raftnode runs one member of a Raft group: hashicorp/raft with a
// BoltDB log and stable store (raft-boltdb/v2 behind a log cache), file
// snapshots, a TCP transport (optionally TLS, optionally wrapped in a
// fault-injecting layer for tests), bootstrap from a peer list, membership
// changes, leadership transfer, and the leader-only duties that start when
// this node becomes leader and stop the moment it is not.
//
// Callers never import raft to interpret an error: every error a Node
// returns is one of the sentinels in errors.go (matched with errors.Is) or
// wraps one. The only raft type in the API is raft.FSM, handed to Open.
//
// See DESIGN.md beside this file for why it is built this way and for the
// measurements behind the default timeouts.
package raftnode
