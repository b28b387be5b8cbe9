package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help lists the modes and flags", []string{"--help"}, 0, "--tables"},
		{"no mode is a usage error", nil, 2, "Modes:"},
		{"an unknown mode", []string{"dance"}, 2, `unknown mode "dance"`},
		{"play without a token source", []string{"play", "--ws", "ws://127.0.0.1:1/ws"}, 1, "--dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tt.args, &out, &errOut); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Fatalf("want %q in:\n%s", tt.want, errOut.String())
			}
		})
	}
}
