package codec

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestErrorCodesListsEveryRefusal keeps ErrorCodes in step with the
// refusals declared in game/errors.go.
func TestErrorCodesListsEveryRefusal(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "game", "errors.go"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range ErrorCodes() {
		if listed[c.Code] {
			t.Errorf("%s is listed twice", c.Code)
		}
		listed[c.Code] = true
	}
	declared := regexp.MustCompile(`&Refusal\{"(\w+)"`).FindAllStringSubmatch(string(src), -1)
	if len(declared) == 0 {
		t.Fatal("found no refusals in game/errors.go")
	}
	for _, m := range declared {
		if !listed[m[1]] {
			t.Errorf("game refusal %s is missing from ErrorCodes", m[1])
		}
	}
}

// TestProtocolDocListsEveryErrorCode keeps docs/PROTOCOL.md's error table
// in step with ErrorCodes: each code has a row saying where it comes from
// and whether it is produced.
func TestProtocolDocListsEveryErrorCode(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "PROTOCOL.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		if m := regexp.MustCompile("^\\| `(\\w+)` \\|").FindStringSubmatch(line); m != nil {
			rows[m[1]] = line
		}
	}
	for _, c := range ErrorCodes() {
		row, ok := rows[c.Code]
		switch {
		case !ok:
			t.Errorf("docs/PROTOCOL.md has no row for %s", c.Code)
		case !strings.Contains(row, c.Source):
			t.Errorf("docs/PROTOCOL.md: %s does not say it comes from %s", c.Code, c.Source)
		case c.Produced && !strings.Contains(row, "yes"), !c.Produced && !strings.Contains(row, "| no |"):
			t.Errorf("docs/PROTOCOL.md: %s does not say produced = %v", c.Code, c.Produced)
		}
	}
}
