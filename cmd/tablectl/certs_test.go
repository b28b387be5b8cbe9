package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
)

// TestCertsMakeAWorkingMutualTLSSet: the node certificates verify against
// the CA as server and client for the loopback address and the given
// hosts, keys are private, and a second run keeps the CA and the
// existing certificates while adding a new node under the same CA.
func TestCertsMakeAWorkingMutualTLSSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	if code, _, errOut := runMain([]string{"certs", "--dir", dir, "--nodes", "n1,n2", "--hosts", "10.0.0.11,n2=db.example+10.0.0.12"}, ""); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	verify := func(id, host string) error {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, id+".pem"), filepath.Join(dir, id+"-key.pem"))
		if err != nil {
			return err
		}
		leaf, _ := x509.ParseCertificate(pair.Certificate[0])
		for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, tc := range []struct{ id, host string }{{"n1", "127.0.0.1"}, {"n1", "localhost"}, {"n1", "10.0.0.11"}, {"n2", "db.example"}, {"n2", "10.0.0.12"}, {"n2", "n2"}} {
		if err := verify(tc.id, tc.host); err != nil {
			t.Errorf("%s for %s: %v", tc.id, tc.host, err)
		}
	}
	if err := verify("n1", "10.0.0.12"); err == nil {
		t.Error("n1's certificate is good for n2's address")
	}
	for _, key := range []string{"ca-key.pem", "n1-key.pem"} {
		if st, err := os.Stat(filepath.Join(dir, key)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", key, st.Mode(), err)
		}
	}
	n1, _ := os.ReadFile(filepath.Join(dir, "n1.pem"))
	if code, _, errOut := runMain([]string{"certs", "--dir", dir, "--nodes", "n1,n3"}, ""); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "ca.pem")); string(again) != string(caPEM) {
		t.Error("the CA was replaced")
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "n1.pem")); string(again) != string(n1) {
		t.Error("n1's certificate was replaced")
	}
	if err := verify("n3", "127.0.0.1"); err != nil {
		t.Errorf("n3 under the same CA: %v", err)
	}
	for name, args := range map[string][]string{
		"no nodes":      {"certs", "--dir", dir},
		"unknown host":  {"certs", "--dir", dir, "--nodes", "n1", "--hosts", "n9=x"},
		"path in an id": {"certs", "--dir", dir, "--nodes", "../n1"},
	} {
		if code, _, _ := runMain(args, ""); code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
	}
}
