package raftnode

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestHCLogAdapterWritesToSlog(t *testing.T) {
	var buf bytes.Buffer
	l := newHCLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), "raft")

	l.Debug("hidden")
	l.Info("entering leader state", "leader", "n1")
	l.Named("snapshots").With("id", 7).Warn("odd", "lonely")
	l.Error("formatted", "servers", hclog.Fmt("%d voters", 3))
	l.StandardLogger(nil).Print("[WARN] from the std logger")

	out := buf.String()
	for _, want := range []string{
		`level=INFO msg="entering leader state" component=raft leader=n1`,
		`level=WARN msg=odd component=raft.snapshots id=7 extra=lonely`,
		`level=ERROR msg=formatted component=raft servers="3 voters"`,
		`level=WARN msg="from the std logger"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hidden") {
		t.Errorf("debug line passed an info handler:\n%s", out)
	}
	if l.IsDebug() || !l.IsInfo() || l.GetLevel() != hclog.Info {
		t.Errorf("IsDebug=%v IsInfo=%v GetLevel=%v", l.IsDebug(), l.IsInfo(), l.GetLevel())
	}
}
