package results

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// URLFrom picks the PostgreSQL URL an operator gave: the contents of file
// (--pg-file) if set, else url (--pg or TABLERAFT_PG). onCLI says whether
// url came from the command line, where every user of the machine can
// read it in ps: a password there is refused; it belongs in the file, the
// environment or PGPASSFILE. The errors name the flags.
func URLFrom(dsn string, onCLI bool, file string) (string, error) {
	if file != "" {
		if onCLI {
			return "", errors.New("--pg and --pg-file exclude each other")
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--pg-file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if onCLI && HasPassword(dsn) {
		return "", errors.New("--pg holds a password, which every user of this machine can read in ps: use --pg-file, TABLERAFT_PG or PGPASSFILE")
	}
	return dsn, nil
}

// HasPassword reports whether a PostgreSQL URL or key=value string
// carries a password.
func HasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil {
		if u.User != nil {
			if _, ok := u.User.Password(); ok {
				return true
			}
		}
		if u.Query().Has("password") {
			return true
		}
	}
	for _, f := range strings.Fields(dsn) {
		if strings.HasPrefix(strings.ToLower(f), "password=") {
			return true
		}
	}
	return false
}
