// Package pgtest runs a real, throwaway PostgreSQL server for tests:
// initdb into a temporary directory, pg_ctl on a free 127.0.0.1 port,
// stopped and removed when the test ends. A test may stop and start the
// server in the middle to play a database outage.
//
// The server binaries come from the postgresql package (Debian:
// /usr/lib/postgresql/VERSION/bin, also searched on PATH). When they are
// missing the test fails with a message saying how to install them: `make
// test` installs them, and a test of the results must never pass by not
// running.
//
// PostgreSQL refuses to run as root. When the test runs as root (CI and the
// sandboxes do), the server runs as the unprivileged user "postgres" (which
// the package creates) or else "nobody", through runuser.
package pgtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Options tune the server.
type Options struct {
	// Durable keeps fsync on, as in production (the server never loses a
	// commit it acknowledged either way: Stop kills the processes, not the
	// machine, and synchronous commit stays on).
	// Tests leave it off (faster, and a test that stops the server stops it
	// cleanly); benchmarks that compare against disk writes turn it on.
	Durable bool
}

// Server is one PostgreSQL server started by a test.
type Server struct {
	t       testing.TB
	bin     string // the directory of initdb, pg_ctl, postgres
	dir     string // the parent of data/ and the log, removed at the end
	data    string
	logPath string
	port    int
	runAs   *user.User // nil: run as the current user

	mu      sync.Mutex
	running bool
	dbs     int
}

// User is the database superuser the server is created with (trust
// authentication on loopback).
const User = "tableraft"

// Start creates and starts a server that lives until the test ends.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := FindBin()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, bin: bin}
	if os.Geteuid() == 0 {
		s.runAs, err = ServerUser()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Not t.TempDir: its parents are private to root, and the server user
	// must reach the data directory.
	s.dir, err = os.MkdirTemp("", "pgtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(s.dir) })
	s.data = filepath.Join(s.dir, "data")
	s.logPath = filepath.Join(s.dir, "server.log")
	if err := os.Mkdir(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	if s.runAs != nil {
		for _, p := range []string{s.dir, s.data} {
			if err := Chown(p, s.runAs); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(s.dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := s.command("initdb", "-D", s.data, "-U", User, "--auth=trust", "--encoding=UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	conf := "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 50\n"
	if !opts.Durable {
		conf += "fsync = off\nfull_page_writes = off\n"
	}
	// A free port, chosen once: Stop and Start keep it, as a real database
	// keeps its address across a restart.
	s.port = freePort(t)
	conf += fmt.Sprintf("port = %d\n", s.port)
	f, err := os.OpenFile(filepath.Join(s.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stopForCleanup)
	s.Start()
	return s
}

// URL is the connection string of the server's "postgres" database.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", User, s.port)
}

// NewDatabase creates an empty database with a fresh name and returns its
// URL, so that the tests of one package can share a server without
// sharing tables.
func (s *Server) NewDatabase() string {
	s.t.Helper()
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("test%d", s.dbs)
	s.mu.Unlock()
	if _, err := s.Psql("CREATE DATABASE " + name); err != nil {
		s.t.Fatalf("pgtest: %v", err)
	}
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", User, s.port, name)
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// Start starts the server (again) and waits until it accepts connections.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return
	}
	if out, err := s.command("pg_ctl", "start", "-D", s.data, "-l", s.logPath, "-w", "-t", "60").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(s.logPath)
		s.t.Fatalf("pgtest: pg_ctl start: %v\n%s\nserver log:\n%s", err, out, tail(log, 4096))
	}
	s.running = true
}

// Stop stops the server at once (pg_ctl -m immediate, as a crash would),
// so clients see refused connections from now on.
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	if out, err := s.command("pg_ctl", "stop", "-D", s.data, "-m", "immediate", "-w", "-t", "60").CombinedOutput(); err != nil {
		s.t.Fatalf("pgtest: pg_ctl stop: %v\n%s", err, out)
	}
	s.running = false
}

func (s *Server) stopForCleanup() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		_ = s.command("pg_ctl", "stop", "-D", s.data, "-m", "immediate", "-w", "-t", "60").Run()
		s.running = false
	}
}

// Psql runs one SQL statement with psql and returns its unaligned output
// (rows separated by newlines, columns by '|').
func (s *Server) Psql(sql string) (string, error) {
	cmd := s.command("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", User, "-d", "postgres", "-c", sql)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("psql: %v: %s", err, errOut.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// command builds an invocation of one of the server's programs, as the
// server user when running as root.
func (s *Server) command(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, prog)
	if s.runAs != nil {
		cmd := exec.Command("runuser", append([]string{"-u", s.runAs.Username, "--", path}, args...)...)
		cmd.Dir = s.dir
		return cmd
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = s.dir
	return cmd
}

// FindBin returns the directory holding initdb and pg_ctl: the newest
// /usr/lib/postgresql/*/bin, else the directory of pg_ctl on PATH.
func FindBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("pgtest: the PostgreSQL server binaries (initdb, pg_ctl) are not installed: " +
		"`make test` installs them, or run `apt-get update && apt-get install -y postgresql`")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// ServerUser picks the unprivileged account the server runs as under root
// (tablebench's server too).
func ServerUser() (*user.User, error) {
	for _, name := range []string{"postgres", "nobody"} {
		if u, err := user.Lookup(name); err == nil {
			return u, nil
		}
	}
	return nil, fmt.Errorf("pgtest: running as root and neither user postgres nor nobody exists to run the server as")
}

// Chown gives path to u (the server's account under root).
func Chown(path string, u *user.User) error {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return err
	}
	return os.Chown(path, uid, gid)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
