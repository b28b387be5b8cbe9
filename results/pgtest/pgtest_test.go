package pgtest

import (
	"strings"
	"testing"
)

// TestStopAndStartKeepTheData: the harness starts a real server, stops it
// (connections are refused), starts it again on the same port, and the
// data is still there.
func TestStopAndStartKeepTheData(t *testing.T) {
	s := Start(t)
	if _, err := s.Psql("CREATE TABLE t (x int); INSERT INTO t VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if _, err := s.Psql("SELECT 1"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("query against a stopped server: %v, want connection refused", err)
	}
	s.Start()
	out, err := s.Psql("SELECT x FROM t")
	if err != nil || out != "42" {
		t.Fatalf("after restart: %q, %v; want 42", out, err)
	}
}
