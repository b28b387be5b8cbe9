package cluster

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sync"

	"tableraft/results/pgtest"
)

// Postgres is a throwaway PostgreSQL server (like results/pgtest, which
// needs a testing.TB): initdb into dir, pg_ctl on a free port, listening
// on 127.0.0.1 and, with network namespaces, on the bridge address the
// nodes reach. As root it runs as the user postgres (or nobody).
type Postgres struct {
	// URL is what the nodes and the checker connect to.
	URL string

	bin, dir, data, logPath string
	runAs                   *user.User
	mu                      sync.Mutex
	running                 bool
}

// StartPostgres creates and starts a server. host is the address the
// nodes dial; subnet (may be empty) is trusted besides loopback.
func StartPostgres(dir, host, subnet string) (*Postgres, error) {
	bin, err := pgtest.FindBin()
	if err != nil {
		return nil, err
	}
	p := &Postgres{bin: bin, dir: dir, data: filepath.Join(dir, "data"), logPath: filepath.Join(dir, "server.log")}
	if os.Geteuid() == 0 {
		if p.runAs, err = pgtest.ServerUser(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(p.data, 0o700); err != nil {
		return nil, err
	}
	if p.runAs != nil {
		for _, d := range []string{p.dir, p.data} {
			if err := pgtest.Chown(d, p.runAs); err != nil {
				return nil, err
			}
		}
		_ = os.Chmod(p.dir, 0o755)
		_ = os.Chmod(filepath.Dir(p.dir), 0o755)
	}
	if out, err := p.command("initdb", "-D", p.data, "-U", pgtest.User, "--auth=trust", "--encoding=UTF8", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("cluster: initdb: %v: %s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	listen := "127.0.0.1"
	if host != "127.0.0.1" {
		listen += "," + host
	}
	conf := fmt.Sprintf("\nlisten_addresses = '%s'\nport = %d\nunix_socket_directories = ''\nmax_connections = 100\nfsync = off\nfull_page_writes = off\n", listen, port)
	if err := appendFile(filepath.Join(p.data, "postgresql.conf"), conf); err != nil {
		return nil, err
	}
	if subnet != "" {
		if err := appendFile(filepath.Join(p.data, "pg_hba.conf"), "\nhost all all "+subnet+" trust\n"); err != nil {
			return nil, err
		}
	}
	p.URL = fmt.Sprintf("postgres://%s@%s:%d/postgres?sslmode=disable", pgtest.User, host, port)
	if err := p.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Start starts the server (again) and waits until it accepts connections.
func (p *Postgres) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running {
		return nil
	}
	if out, err := p.command("pg_ctl", "start", "-D", p.data, "-l", p.logPath, "-w", "-t", "60").CombinedOutput(); err != nil {
		return fmt.Errorf("cluster: pg_ctl start: %v: %s", err, out)
	}
	p.running = true
	return nil
}

// Stop stops the server at once (-m immediate, as a crash would).
func (p *Postgres) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		return nil
	}
	if out, err := p.command("pg_ctl", "stop", "-D", p.data, "-m", "immediate", "-w", "-t", "60").CombinedOutput(); err != nil {
		return fmt.Errorf("cluster: pg_ctl stop: %v: %s", err, out)
	}
	p.running = false
	return nil
}

// Close stops the server.
func (p *Postgres) Close() { _ = p.Stop() }

func (p *Postgres) command(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(p.bin, prog)
	var cmd *exec.Cmd
	if p.runAs != nil {
		cmd = exec.Command("runuser", append([]string{"-u", p.runAs.Username, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = p.dir
	return cmd
}
