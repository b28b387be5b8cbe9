package raftnode

import (
	"errors"
	"fmt"
	"testing"
)

func TestNotLeaderErrorMatchesTheSentinel(t *testing.T) {
	err := fmt.Errorf("propose: %w", &NotLeaderError{LeaderID: "n2", LeaderAddr: "10.0.0.2:7001"})
	if !errors.Is(err, ErrNotLeader) {
		t.Error("errors.Is(err, ErrNotLeader) = false")
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Error("a NotLeaderError matches ErrOutcomeUnknown")
	}
	var nl *NotLeaderError
	if !errors.As(err, &nl) || nl.LeaderAddr != "10.0.0.2:7001" {
		t.Errorf("errors.As gave %+v", nl)
	}
	if got, want := err.Error(), "propose: raftnode: not the leader (leader is n2 at 10.0.0.2:7001)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got := (&NotLeaderError{}).Error(); got != "raftnode: not the leader (no leader known)" {
		t.Errorf("message without leader %q", got)
	}
}
