package main

import (
	"log/slog"
	"os"

	"tableraft/fsm"
)

// applyTestHooks breaks the node on purpose when the hidden environment
// variable TABLERAFT_TEST_BREAK_DEDUP=1 is set: the FSM stops deduplicating
// retried commands. Only the chaos checker's broken-build test
// (e2e/chaos_test.go) sets it, to show that the checker catches a build
// that applies a retried command twice. It is not a flag and not in
// --help: no operator should ever find it.
func applyTestHooks(log *slog.Logger) {
	if os.Getenv("TABLERAFT_TEST_BREAK_DEDUP") == "1" {
		fsm.BreakDedupForTest()
		log.Warn("TEST HOOK: command dedup is disabled; this node is deliberately broken")
	}
}
