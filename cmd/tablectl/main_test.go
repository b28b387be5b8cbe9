package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tableraft/transport/codec"
)

// runMain runs tablectl with args and stdin and returns its exit code and
// outputs.
func runMain(args []string, stdin string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string // pieces of stdout and stderr
	}{
		{"help flag", []string{"--help"}, 0, "tablectl COMMAND", ""},
		{"short help flag", []string{"-h"}, 0, "replay", ""},
		{"help command", []string{"help"}, 0, "Commands:", ""},
		{"help for replay", []string{"help", "replay"}, 0, "Usage: tablectl replay FILE", ""},
		{"replay help flag", []string{"replay", "--help"}, 0, "Exit status", ""},
		{"no command", nil, 2, "", "Usage:"},
		{"unknown command", []string{"explode"}, 2, "", `unknown command "explode"`},
		{"help for an unknown command", []string{"help", "explode"}, 2, "", `unknown command "explode"`},
		{"unknown flag", []string{"-x"}, 2, "", "tablectl --help"},
		{"replay without file", []string{"replay"}, 2, "", "exactly one FILE"},
		{"replay with two files", []string{"replay", "a", "b"}, 2, "", "exactly one FILE"},
		{"replay unknown flag", []string{"replay", "-x", "f"}, 2, "", "tablectl replay --help"},
		{"replay missing file", []string{"replay", filepath.Join(os.TempDir(), "no-such-replay.json")}, 2, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(tt.args, "")
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Fatalf("tablectl %v = %d\nstdout: %s\nstderr: %s\nwant %d, stdout with %q, stderr with %q",
					tt.args, code, out, errOut, tt.code, tt.out, tt.err)
			}
		})
	}
}

func TestReplayRefusesAnInvalidFile(t *testing.T) {
	tests := []struct{ name, in, err string }{
		{"not JSON", `{"game"`, "malformed JSON"},
		{"unknown game", `{"game":"poker","dealer":0,"deck":[]}`, `unknown game "poker"`},
		{"dealer out of range", `{"game":"schafkopf","dealer":4,"deck":[]}`, "not a seat"},
		{"bad deck", `{"game":"schnapsen","dealer":0,"deck":["AH","AH"]}`, "distinct cards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain([]string{"replay", "-"}, tt.in)
			if code != 2 || out != "" || !strings.Contains(errOut, "tablectl replay: -: invalid replay file") ||
				!strings.Contains(errOut, tt.err) {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
		})
	}
}

func exampleReplays(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "..", "transport", "codec", "testdata", "replay", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example replays: %v", err)
	}
	return files
}

func TestReplayReadsAFileAndStdin(t *testing.T) {
	for _, file := range exampleReplays(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := codec.DecodeReplay(in); err != nil {
				t.Fatal(err)
			}
			code, fromFile, errOut := runMain([]string{"replay", file}, "")
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			code, fromStdin, _ := runMain([]string{"replay", "-"}, string(in))
			if code != 0 || fromStdin != fromFile {
				t.Fatalf("stdin gave exit %d and other output:\n%s\nvs\n%s", code, fromStdin, fromFile)
			}
			for _, line := range strings.Split(strings.TrimSpace(fromFile), "\n") {
				if !json.Valid([]byte(line)) {
					t.Fatalf("not a JSON line: %s", line)
				}
			}
		})
	}
}

// FuzzReplay runs tablectl replay on any input: it never panics, exits 0
// with JSON lines on stdout or 2 with a reason on stderr, and runs the
// same way twice. The seeds are the example replays.
func FuzzReplay(f *testing.F) {
	for _, file := range exampleReplays(f) {
		in, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(in)
	}
	f.Add([]byte(`{"game":"schnapsen","dealer":0,"deck":[],"actions":[{"type":"timeout"}]}`))
	f.Add([]byte(`{"game":"poker","dealer":0,"deck":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		code, out, errOut := runMain([]string{"replay", "-"}, string(in))
		switch code {
		case 0:
			if errOut != "" {
				t.Fatalf("exit 0 with stderr %s", errOut)
			}
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if !json.Valid([]byte(line)) {
					t.Fatalf("not a JSON line: %q", line)
				}
			}
		case 2:
			if out != "" || errOut == "" {
				t.Fatalf("exit 2 with stdout %q, stderr %q", out, errOut)
			}
		default:
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if again, out2, _ := runMain([]string{"replay", "-"}, string(in)); again != code || out2 != out {
			t.Fatalf("a second run differs: exit %d vs %d", again, code)
		}
	})
}
