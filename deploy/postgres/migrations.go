// Package postgres holds the PostgreSQL schema of Tableraft's results as
// numbered SQL migrations (NNNN_name.sql), embedded so that a node started
// with --pg and `tablectl migrate` apply exactly these files. Package
// results applies them (results.Migrate); this package only lists them.
package postgres

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.sql
var files embed.FS

// Migration is one schema step. Version is the number the file name starts
// with; migrations apply in ascending Version, each once.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns every migration in ascending version order. It fails
// only if a file is misnamed, which the package's test rules out.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive number and '_'", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, name, v)
		}
		seen[v] = name
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}
