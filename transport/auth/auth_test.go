package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestMintThenVerify(t *testing.T) {
	k, err := New(secret)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := k.Mint("p42", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := k.Verify(tok); err != nil || p != "p42" {
		t.Fatalf("Verify = %q, %v", p, err)
	}
	// Another node with the same secret accepts it.
	k2, _ := New(secret)
	if p, err := k2.Verify(tok); err != nil || p != "p42" {
		t.Fatalf("another node: %q, %v", p, err)
	}
}

// TestVerifyRefuses: each forged, foreign, expired or malformed token is
// refused with ErrInvalid.
func TestVerifyRefuses(t *testing.T) {
	k, _ := New(secret)
	other, _ := New([]byte("another-secret-another-secret-xx"))
	good, _ := k.Mint("p42", time.Hour)
	foreign, _ := other.Mint("p42", time.Hour)
	past := *k
	past.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	expired, _ := past.Mint("p42", time.Hour)
	noExp, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Subject: "p42", Audience: jwt.ClaimStrings{DefaultAudience}}).SignedString(secret)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.RegisteredClaims{Subject: "p42", Audience: jwt.ClaimStrings{DefaultAudience}, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}).SignedString(secret)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.RegisteredClaims{Subject: "p42", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	badSubject, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Subject: "bot", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}).SignedString(secret)
	noAud, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Subject: "p42", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}).SignedString(secret)
	otherService, _ := k.WithAudience("another-service")
	wrongAud, _ := otherService.Mint("p42", time.Hour)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"p1","exp":99999999999}`)) + "." + parts[2]
	for name, tok := range map[string]string{
		"signed with another secret": foreign, "expired": expired, "without expiry": noExp,
		"HS512": hs512, "without audience": noAud, "for another audience": wrongAud, "alg none": none, "reserved subject": badSubject, "tampered claims": tampered,
		"garbage": "not.a.token", "empty": "",
	} {
		if p, err := k.Verify(tok); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Verify = %q, %v; want ErrInvalid", name, p, err)
		}
	}
}

func TestValidPlayer(t *testing.T) {
	for _, p := range []string{"p42", "guest-0a1b2c", "Anna.M_1"} {
		if err := ValidPlayer(p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	for _, p := range []string{"", "bot", "a b", "ä", strings.Repeat("x", MaxPlayerLen+1), "p\n"} {
		if ValidPlayer(p) == nil {
			t.Errorf("%q accepted", p)
		}
	}
	if err := ValidPlayer(GuestPlayer()); err != nil {
		t.Errorf("guest id: %v", err)
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("a 5-byte secret was accepted")
	}
}

func TestAudience(t *testing.T) {
	k, _ := New(secret)
	games, err := k.WithAudience("games.example")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := games.Mint("p42", time.Hour)
	if p, err := games.Verify(tok); err != nil || p != "p42" {
		t.Fatalf("same audience: %q, %v", p, err)
	}
	if _, err := k.Verify(tok); !errors.Is(err, ErrInvalid) {
		t.Fatalf("default audience accepted a games.example token: %v", err)
	}
	if _, err := k.WithAudience(""); err == nil {
		t.Fatal("an empty audience was accepted")
	}
}
