package fsm

import "sync/atomic"

// brokenDedup, when set, makes the FSM forget every player's dedup window:
// Apply applies a retried (player, seq) again and Recorded never finds
// one. It exists only so that the chaos checker (cmd/tablebench chaos) can
// prove it catches a broken build; nothing sets it but tableraftd's hidden
// test hook (TABLERAFT_TEST_BREAK_DEDUP=1). Process-wide on purpose: every
// node of the broken cluster must be broken the same way, or Apply would
// diverge between nodes instead of being wrong on all of them.
var brokenDedup atomic.Bool

// BreakDedupForTest disables command dedup for the whole process. Never
// call it outside the chaos checker's broken-build test.
func BreakDedupForTest() { brokenDedup.Store(true) }
