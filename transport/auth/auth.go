// Package auth signs and verifies the players' tokens: HMAC-SHA256 JWTs
// (golang-jwt/jwt/v5) whose subject is the player id, with an expiry and an
// audience (DefaultAudience unless the cluster names another), both
// required. Every node of a
// cluster holds the same secret (--player-secret-file), so a token minted
// by the platform, by `tablectl token` or by a node's guest endpoint is
// good on every node, and a client that follows the leader keeps its
// token.
package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MinSecretLen is the shortest secret accepted, in bytes: HS256 wants at
// least its hash size.
const MinSecretLen = 32

// MaxPlayerLen bounds a player id.
const MaxPlayerLen = 64

// DefaultAudience is the audience ("aud") a token must name unless the
// cluster is configured with another (tableraftd --player-audience): a
// token the platform minted for another service with the same secret is
// refused here.
const DefaultAudience = "tableraft"

// ErrInvalid wraps every reason a token is refused; the session answers
// all of them with the protocol code unauthorized.
var ErrInvalid = errors.New("auth: invalid token")

// Keys signs and verifies tokens with one HMAC secret. It is immutable and
// safe for concurrent use.
type Keys struct {
	secret   []byte
	audience string
	parser   *jwt.Parser
	now      func() time.Time
}

// New returns Keys for secret, which must be at least MinSecretLen bytes,
// with the DefaultAudience.
func New(secret []byte) (*Keys, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("auth: the player secret has %d bytes, want at least %d", len(secret), MinSecretLen)
	}
	k := &Keys{secret: append([]byte(nil), secret...), now: time.Now}
	k.setAudience(DefaultAudience)
	return k, nil
}

// WithAudience returns Keys that mint tokens for audience and accept only
// tokens that name it.
func (k *Keys) WithAudience(audience string) (*Keys, error) {
	if audience == "" {
		return nil, errors.New("auth: the audience must not be empty")
	}
	k2 := &Keys{secret: k.secret, now: k.now}
	k2.setAudience(audience)
	return k2, nil
}

// Audience is the audience these Keys mint for and require.
func (k *Keys) Audience() string { return k.audience }

func (k *Keys) setAudience(audience string) {
	k.audience = audience
	k.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithAudience(audience),
		jwt.WithTimeFunc(func() time.Time { return k.now() }),
		jwt.WithLeeway(5*time.Second),
	)
}

// ReadSecretFile reads a secret file (surrounding white space is ignored)
// and returns Keys for it.
func ReadSecretFile(path string) (*Keys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: read the player secret: %w", err)
	}
	return New([]byte(strings.TrimSpace(string(b))))
}

// Mint returns a token for player that expires after ttl.
func (k *Keys) Mint(player string, ttl time.Duration) (string, error) {
	if err := ValidPlayer(player); err != nil {
		return "", err
	}
	if ttl <= 0 {
		return "", fmt.Errorf("auth: ttl must be positive")
	}
	now := k.now()
	claims := jwt.RegisteredClaims{
		Subject:   player,
		Audience:  jwt.ClaimStrings{k.audience},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(k.secret)
}

// Verify checks a token's signature, algorithm, expiry and audience and
// returns its player. Every refusal wraps ErrInvalid.
func (k *Keys) Verify(token string) (string, error) {
	var claims jwt.RegisteredClaims
	_, err := k.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return k.secret, nil })
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := ValidPlayer(claims.Subject); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return claims.Subject, nil
}

// ValidPlayer checks a player id: 1 to MaxPlayerLen characters of
// A-Z a-z 0-9 . _ -, and not "bot", which names the server's bots in the
// table list.
func ValidPlayer(p string) error {
	if p == "" || len(p) > MaxPlayerLen {
		return fmt.Errorf("auth: a player id has 1 to %d characters", MaxPlayerLen)
	}
	if p == "bot" {
		return fmt.Errorf("auth: %q is reserved for the server's bots", p)
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("auth: a player id has only letters, digits, '.', '_' and '-'")
		}
	}
	return nil
}

// GuestPlayer returns a fresh guest id ("guest-" and 12 random hex digits).
func GuestPlayer() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return "guest-" + hex.EncodeToString(b[:])
}

// NewSecret returns a random secret in hex, for a new secret file.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
