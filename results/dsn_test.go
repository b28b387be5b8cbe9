package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestURLFrom(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pg-url")
	if err := os.WriteFile(file, []byte("postgres://u:secret@db:5432/t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		dsn     string
		onCLI   bool
		file    string
		want    string
		wantErr string
	}{
		{"no database", "", false, "", "", ""},
		{"a URL without a password on the command line", "postgres://u@db/t", true, "", "postgres://u@db/t", ""},
		{"a password on the command line", "postgres://u:secret@db/t", true, "", "", "--pg holds a password"},
		{"a password as a URL parameter", "postgres://u@db/t?password=secret", true, "", "", "--pg holds a password"},
		{"a password as key=value", "host=db user=u password=secret", true, "", "", "--pg holds a password"},
		{"a password from the environment", "postgres://u:secret@db/t", false, "", "postgres://u:secret@db/t", ""},
		{"the file", "", false, file, "postgres://u:secret@db:5432/t", ""},
		{"the file and --pg", "postgres://u@db/t", true, file, "", "exclude each other"},
		{"a missing file", "", false, file + ".gone", "", "--pg-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := URLFrom(tc.dsn, tc.onCLI, tc.file)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one saying %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("the error repeats the password: %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
