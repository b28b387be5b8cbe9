package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tableraft/transport/auth"
)

// TestTokenVerifiesWithTheSecret: tablectl token prints a token the
// cluster's secret verifies for that player; bad arguments exit 2.
func TestTokenVerifiesWithTheSecret(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "player-secret")
	if err := os.WriteFile(secret, []byte(auth.NewSecret()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMain([]string{"token", "--player", "p42", "--ttl", "1h", "--player-secret-file", secret}, "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	keys, err := auth.ReadSecretFile(secret)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := keys.Verify(strings.TrimSpace(out)); err != nil || p != "p42" {
		t.Fatalf("the printed token verifies as %q, %v", p, err)
	}
	// --audience: only nodes that expect that audience accept it.
	code, out, errOut = runMain([]string{"token", "--player", "p42", "--audience", "games.example", "--player-secret-file", secret}, "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := keys.Verify(strings.TrimSpace(out)); err == nil {
		t.Fatal("a token for another audience verified")
	}
	games, _ := keys.WithAudience("games.example")
	if p, err := games.Verify(strings.TrimSpace(out)); err != nil || p != "p42" {
		t.Fatalf("the audience's keys: %q, %v", p, err)
	}
	for name, args := range map[string][]string{
		"empty audience": {"token", "--player", "p1", "--audience", "", "--player-secret-file", secret},
		"no player":      {"token", "--player-secret-file", secret},
		"bad player":     {"token", "--player", "bot", "--player-secret-file", secret},
		"negative ttl":   {"token", "--player", "p1", "--ttl", "-1h", "--player-secret-file", secret},
		"missing secret": {"token", "--player", "p1", "--player-secret-file", secret + ".none"},
	} {
		if code, _, _ := runMain(args, ""); code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
	}
}
