package main

import (
	"bufio"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRuntimeAPI answers one connection on a unix socket like haproxy's
// runtime API in non-interactive mode: it reads one line, answers, closes.
func fakeRuntimeAPI(t *testing.T, answer string) (path string, got <-chan string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "api.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	lines := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		line, _ := bufio.NewReader(conn).ReadString('\n')
		lines <- line
		_, _ = conn.Write([]byte(answer))
	}()
	return path, lines
}

func TestHaproxySwitchSendsOneRequest(t *testing.T) {
	cases := []struct {
		name, answer, wantErr string
	}{
		{"accepted", "\n\n", ""},
		{"unknown server", "No such server.\n\n", "No such server."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, got := fakeRuntimeAPI(t, tc.answer)
			err := haproxySwitch{backend: "leader_http"}.apply(context.Background(), path, "n2", "n1")
			if want := "set server leader_http/n2 health up; set server leader_http/n1 health down\n"; <-got != want {
				t.Errorf("sent something else than %q", want)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("apply: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("apply: %v, want an error with %q", err, tc.wantErr)
			}
		})
	}
}

func TestHaproxySwitchUnreachable(t *testing.T) {
	err := haproxySwitch{backend: "leader_http"}.apply(context.Background(), filepath.Join(t.TempDir(), "none.sock"), "n2", "n1")
	if err == nil {
		t.Fatal("no error for a socket that does not exist")
	}
}
