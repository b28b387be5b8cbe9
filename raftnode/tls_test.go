package raftnode

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"testing"
	"time"
)

// testMTLS makes a CA and one certificate for 127.0.0.1 that serves as
// both server and client certificate, and returns a mutual-TLS config.
func testMTLS(t *testing.T) *tls.Config {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := newKey()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "tableraft test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	nodeKey := newKey()
	nodeTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "node"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	nodeDER, err := x509.CreateCertificate(rand.Reader, nodeTmpl, ca, &nodeKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{nodeDER}, PrivateKey: nodeKey}},
		RootCAs:      pool,
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
	}
}

// freePort returns a loopback address nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestMutualTLSTransport(t *testing.T) {
	conf := testMTLS(t)
	var peers []Peer
	for i := 1; i <= 3; i++ {
		peers = append(peers, Peer{ID: fmt.Sprintf("n%d", i), Addr: freePort(t)})
	}
	var nodes []*Node
	fsms := map[*Node]*testFSM{}
	for _, p := range peers {
		fsm := newTestFSM()
		n, err := Open(Config{
			ID: p.ID, DataDir: t.TempDir(), RaftAddr: p.Addr, Bootstrap: peers,
			TLS: conf, Logger: testLogger(),
		}, fsm)
		if err != nil {
			t.Fatalf("open %s: %v", p.ID, err)
		}
		t.Cleanup(func() { n.Close() })
		nodes = append(nodes, n)
		fsms[n] = fsm
	}
	var leader *Node
	waitFor(t, "a leader over TLS", func() bool {
		for _, n := range nodes {
			if n.IsLeader() {
				leader = n
				return true
			}
		}
		return false
	})
	if _, err := leader.Propose(context.Background(), []byte("secret")); err != nil {
		t.Fatalf("Propose: %v", err)
	}
	waitFor(t, "replication over TLS", func() bool {
		for _, f := range fsms {
			if l, _ := f.state(); l != 1 {
				return false
			}
		}
		return true
	})

	// Garbage instead of a handshake: the connection is closed and the
	// node goes on.
	raw, err := net.Dial("tcp", leader.Addr())
	if err != nil {
		t.Fatal(err)
	}
	raw.SetDeadline(time.Now().Add(15 * time.Second))
	raw.Write([]byte("\x00\x01garbage that is no TLS record\r\n\r\n"))
	if _, err := raw.Read(make([]byte, 64)); err == nil {
		// A TLS alert may come first; the close follows.
		_, err = io.Copy(io.Discard, raw)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Error("a garbage connection stayed open")
		}
	}
	raw.Close()
	if _, err := leader.Propose(context.Background(), []byte("after garbage")); err != nil {
		t.Fatalf("Propose after garbage: %v", err)
	}

	// A client without a certificate is turned away.
	noCert := &tls.Config{RootCAs: conf.RootCAs, MinVersion: tls.VersionTLS13}
	c, err := tls.Dial("tcp", leader.Addr(), noCert)
	if err == nil {
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err = c.Read(make([]byte, 1)); err == nil {
			t.Error("a client without a certificate got an answer")
		}
	}
}
