package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const certsHelp = `Usage: tablectl certs --nodes n1,n2,n3 [--dir data/certs] [--hosts H,...] [--days 825]

Makes the certificates for mutual TLS between the nodes (tableraftd
--tls-ca-file, --tls-cert-file, --tls-key-file): a cluster CA (ca.pem,
ca-key.pem) and, for every node ID, ID.pem and ID-key.pem, signed by the
CA, good as server and as client certificate. ECDSA P-256 keys, written
readable by the owner only. An existing CA in --dir is reused, so a node
added later gets a certificate of the same CA; an existing node
certificate is kept (delete it to renew it).

Every node certificate names 127.0.0.1, ::1, localhost and the node ID,
plus the --hosts (the addresses the nodes dial each other at: IPs or DNS
names; one list for all nodes, or ID=H+H,... per node).

  --nodes IDS    the node IDs, comma-separated (required)
  --dir DIR      where the files go (default data/certs)
  --hosts LIST   extra names: "10.0.0.11,10.0.0.12" or "n1=10.0.0.11,n2=10.0.0.12"
  --days N       validity of node certificates (default 825; the CA: 10 years)

Keep ca-key.pem off the nodes: it only signs new certificates.
`

func runCerts(e *env, args []string) int {
	fs := flag.NewFlagSet("tablectl certs", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	nodes := fs.String("nodes", "", "node ids")
	dir := fs.String("dir", "data/certs", "output directory")
	hosts := fs.String("hosts", "", "extra names")
	days := fs.Int("days", 825, "node certificate validity in days")
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl certs", func(w io.Writer) { fmt.Fprint(w, certsHelp) })
	}
	if fs.NArg() != 0 || *nodes == "" || *days < 1 {
		fmt.Fprintln(e.stderr, "tablectl certs: --nodes is required, --days must be positive, no arguments")
		return exitUsage
	}
	ids := splitList(*nodes)
	extra, err := parseHosts(*hosts, ids)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl certs:", err)
		return exitUsage
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintln(e.stderr, "tablectl certs:", err)
		return exitFailure
	}
	ca, caKey, made, err := loadOrMakeCA(*dir)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl certs:", err)
		return exitFailure
	}
	if made {
		fmt.Fprintf(e.stdout, "made the CA %s\n", filepath.Join(*dir, "ca.pem"))
	} else {
		fmt.Fprintf(e.stdout, "kept the CA %s\n", filepath.Join(*dir, "ca.pem"))
	}
	for _, id := range ids {
		certPath := filepath.Join(*dir, id+".pem")
		if _, err := os.Stat(certPath); err == nil {
			fmt.Fprintf(e.stdout, "kept %s\n", certPath)
			continue
		}
		if err := makeNodeCert(*dir, id, extra[id], time.Duration(*days)*24*time.Hour, ca, caKey); err != nil {
			fmt.Fprintln(e.stderr, "tablectl certs:", err)
			return exitFailure
		}
		fmt.Fprintf(e.stdout, "made %s (%s)\n", certPath, strings.Join(append([]string{"127.0.0.1", "::1", "localhost", id}, extra[id]...), ", "))
	}
	return exitOK
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseHosts reads --hosts: plain names go to every node, ID=H+H to one.
func parseHosts(s string, ids []string) (map[string][]string, error) {
	known := map[string]bool{}
	for _, id := range ids {
		if strings.ContainsAny(id, "/\\=. ") {
			return nil, fmt.Errorf("node id %q: letters, digits, '-' and '_' only", id)
		}
		known[id] = true
	}
	out := map[string][]string{}
	for _, h := range splitList(s) {
		if id, names, ok := strings.Cut(h, "="); ok {
			if !known[id] {
				return nil, fmt.Errorf("--hosts names %q, which is not in --nodes", id)
			}
			out[id] = append(out[id], strings.Split(names, "+")...)
			continue
		}
		for _, id := range ids {
			out[id] = append(out[id], h)
		}
	}
	return out, nil
}

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func serial() (*big.Int, error) { return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)) }

// loadOrMakeCA reuses DIR/ca.pem and ca-key.pem, or makes them.
func loadOrMakeCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, bool, error) {
	certPath, keyPath := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	if pair, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil {
		ca, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			return nil, nil, false, err
		}
		key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
		if !ok || !ca.IsCA {
			return nil, nil, false, fmt.Errorf("%s is not an ECDSA CA", certPath)
		}
		return ca, key, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, false, fmt.Errorf("the CA in %s: %w", dir, err)
	}
	key, err := newKey()
	if err != nil {
		return nil, nil, false, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, false, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: "Tableraft cluster CA", Organization: []string{"Tableraft"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, false, err
	}
	if err := writePair(certPath, keyPath, der, key); err != nil {
		return nil, nil, false, err
	}
	ca, err := x509.ParseCertificate(der)
	return ca, key, true, err
}

// makeNodeCert writes DIR/ID.pem and ID-key.pem.
func makeNodeCert(dir, id string, hosts []string, validity time.Duration, ca *x509.Certificate, caKey *ecdsa.PrivateKey) error {
	key, err := newKey()
	if err != nil {
		return err
	}
	sn, err := serial()
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: id, Organization: []string{"Tableraft"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(validity),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    []string{"localhost", id},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	return writePair(filepath.Join(dir, id+".pem"), filepath.Join(dir, id+"-key.pem"), der, key)
}

// writePair writes a certificate (0644) and its key (0600, never
// overwritten).
func writePair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	kf, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := pem.Encode(kf, &pem.Block{Type: "PRIVATE KEY", Bytes: kb}); err != nil {
		kf.Close()
		return err
	}
	if err := kf.Close(); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}
