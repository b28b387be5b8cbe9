package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"tableraft/results"
	"tableraft/transport/auth"
	"tableraft/transport/guard"
	"tableraft/transport/session"
	"tableraft/transport/tcp"
	"tableraft/transport/ws"
)

// securityOptions are the node's own security flags: mutual TLS between
// the nodes and where the operator API listens.
type securityOptions struct {
	tlsCA, tlsCert, tlsKey    string
	adminAddr                 string
	adminTLSCert, adminTLSKey string
}

func (s *securityOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&s.tlsCA, "tls-ca-file", env("TLS_CA_FILE", ""), "CA certificate (PEM) that signs every node's certificate: Raft traffic is mutual TLS, peers without a certificate from this CA are refused (tablectl certs makes them)")
	fs.StringVar(&s.tlsCert, "tls-cert-file", env("TLS_CERT_FILE", ""), "this node's certificate (PEM) for Raft, signed by --tls-ca-file")
	fs.StringVar(&s.tlsKey, "tls-key-file", env("TLS_KEY_FILE", ""), "this node's private key (PEM) for --tls-cert-file")
	fs.StringVar(&s.adminAddr, "admin-addr", env("ADMIN_ADDR", ""), "own address for the operator API (status, health, /admin/*); of /admin/* --http-addr then keeps only the node-to-node calls /admin/join and /admin/nodeinfo. Empty: everything on --http-addr")
	fs.StringVar(&s.adminTLSCert, "admin-tls-cert-file", env("ADMIN_TLS_CERT_FILE", ""), "with --admin-addr: serve it over HTTPS with this certificate (PEM)")
	fs.StringVar(&s.adminTLSKey, "admin-tls-key-file", env("ADMIN_TLS_KEY_FILE", ""), "private key (PEM) for --admin-tls-cert-file")
}

func (s *securityOptions) validate() error {
	n := 0
	for _, f := range []string{s.tlsCA, s.tlsCert, s.tlsKey} {
		if f != "" {
			n++
		}
	}
	if n != 0 && n != 3 {
		return errors.New("--tls-ca-file, --tls-cert-file and --tls-key-file go together")
	}
	if (s.adminTLSCert == "") != (s.adminTLSKey == "") {
		return errors.New("--admin-tls-cert-file and --admin-tls-key-file go together")
	}
	if s.adminTLSCert != "" && s.adminAddr == "" {
		return errors.New("--admin-tls-cert-file needs --admin-addr")
	}
	return nil
}

// raftTLS is the mutual-TLS configuration of the Raft transport; nil
// without --tls-* (then Raft is plain TCP: only for a trusted network).
func (s *securityOptions) raftTLS() (*tls.Config, error) {
	if s.tlsCA == "" {
		return nil, nil
	}
	caPEM, err := os.ReadFile(s.tlsCA)
	if err != nil {
		return nil, fmt.Errorf("--tls-ca-file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("--tls-ca-file %s holds no PEM certificate", s.tlsCA)
	}
	cert, err := tls.LoadX509KeyPair(s.tlsCert, s.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert-file/--tls-key-file: %w", err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("--tls-cert-file: %w", err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}}); err != nil {
		return nil, fmt.Errorf("--tls-cert-file is not a node certificate of --tls-ca-file: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool, // the peers we dial must show a certificate of the CA...
		ClientCAs:    pool, // ...and so must the peers that dial us
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
	}, nil
}

// peerCheck returns the admin API's check of a joining node: it must
// answer a TLS handshake on its Raft address with a certificate of the
// cluster's CA (and accept ours). Without TLS nil: nothing to check.
func peerCheck(conf *tls.Config) func(ctx context.Context, addr string) error {
	if conf == nil {
		return nil
	}
	return func(ctx context.Context, addr string) error {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return err
		}
		c := conf.Clone()
		c.ServerName = host
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		d := &tls.Dialer{Config: c}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("%s shows no certificate of the cluster's CA: %w", addr, err)
		}
		return conn.Close()
	}
}

// serveAdmin serves the operator API on its own address (HTTPS with a
// certificate) until the returned server is shut down.
func serveAdmin(s securityOptions, h http.Handler, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", s.adminAddr)
	if err != nil {
		return nil, fmt.Errorf("listen admin: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	if s.adminTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.adminTLSCert, s.adminTLSKey)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("--admin-tls-cert-file/--admin-tls-key-file: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server", "err", err)
		}
	}()
	return srv, nil
}

// pgURL is the PostgreSQL URL from --pg-file, --pg or TABLERAFT_PG (a
// password on the command line is refused: results.URLFrom).
func pgURL(fs *flag.FlagSet, r resultsOptions) (string, error) {
	return results.URLFrom(r.pg, flagSet(fs, "pg"), r.pgFile)
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// guardOptions are the player border's limits and checks in front of the
// sessions.
type guardOptions struct {
	audience       string
	trustedProxies string
	allowedOrigins string
	maxConnsPerIP  int
	helloTimeout   time.Duration
	idleTimeout    time.Duration
	pingInterval   time.Duration
}

// DefaultMaxConnsPerIP bounds one address's player connections unless
// --max-conns-per-ip says otherwise.
const DefaultMaxConnsPerIP = 1024

func (g *guardOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&g.audience, "player-audience", env("PLAYER_AUDIENCE", auth.DefaultAudience), "the audience (aud) every player token must name")
	fs.StringVar(&g.trustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "load balancers (IPs or CIDRs, comma-separated) whose X-Forwarded-For (WebSocket) and PROXY protocol v2 header (TCP) name the real client; empty: nobody's")
	fs.StringVar(&g.allowedOrigins, "allowed-origins", env("ALLOWED_ORIGINS", ""), "web origins whose pages may open /ws (https://play.example.com,...; * for any); empty: pages of the same host only")
	fs.IntVar(&g.maxConnsPerIP, "max-conns-per-ip", envInt("MAX_CONNS_PER_IP", DefaultMaxConnsPerIP), "open player connections one client address may hold (WebSocket and TCP together); 0: no bound")
	fs.DurationVar(&g.helloTimeout, "player-hello-timeout", envDuration("PLAYER_HELLO_TIMEOUT", session.DefaultLimits.HelloTimeout), "a new player connection that sends no hello within this is closed")
	fs.DurationVar(&g.idleTimeout, "player-idle-timeout", envDuration("PLAYER_IDLE_TIMEOUT", session.DefaultLimits.IdleTimeout), "a player connection that sends nothing (not even ping) for this long is closed; also bounds how long one message may take to arrive")
	fs.DurationVar(&g.pingInterval, "player-ping-interval", envDuration("PLAYER_PING_INTERVAL", 30*time.Second), "WebSocket ping period (answered pongs keep a quiet connection open); also the TCP keep-alive period")
}

func (g *guardOptions) validate() error {
	if g.helloTimeout <= 0 || g.idleTimeout <= 0 || g.pingInterval <= 0 {
		return errors.New("--player-hello-timeout, --player-idle-timeout and --player-ping-interval must be positive")
	}
	if g.pingInterval <= g.helloTimeout || g.pingInterval >= g.idleTimeout {
		return errors.New("--player-ping-interval must lie between --player-hello-timeout and --player-idle-timeout")
	}
	return nil
}

// guards are the parsed checks, shared by the WebSocket and TCP listeners
// (one count per address across both).
type guards struct {
	proxies *guard.Proxies
	origins *guard.Origins
	perIP   *guard.PerIP
	opts    guardOptions
}

func newGuards(g guardOptions) (*guards, error) {
	if err := g.validate(); err != nil {
		return nil, err
	}
	proxies, err := guard.ParseProxies(g.trustedProxies)
	if err != nil {
		return nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	origins, err := guard.ParseOrigins(g.allowedOrigins)
	if err != nil {
		return nil, fmt.Errorf("--allowed-origins: %w", err)
	}
	return &guards{proxies: proxies, origins: origins, perIP: guard.NewPerIP(g.maxConnsPerIP), opts: g}, nil
}

// limits applies the timeouts to the session limits.
func (g *guards) limits(lim session.Limits) session.Limits {
	lim.HelloTimeout, lim.IdleTimeout = g.opts.helloTimeout, g.opts.idleTimeout
	return lim
}

func (g *guards) ws() ws.Options {
	return ws.Options{Origins: g.origins, Proxies: g.proxies, PerIP: g.perIP, PingInterval: g.opts.pingInterval, IdleTimeout: g.opts.idleTimeout}
}

func (g *guards) tcp() tcp.Options {
	return tcp.Options{Proxies: g.proxies, PerIP: g.perIP, KeepAlive: g.opts.pingInterval}
}
