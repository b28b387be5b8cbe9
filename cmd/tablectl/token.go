package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"tableraft/transport/auth"
)

// defaultPlayerSecretFile is where `make run` keeps the players' secret.
const defaultPlayerSecretFile = "data/player-secret"

const tokenHelp = `Usage: tablectl token --player ID [--ttl 24h] [--audience A] [--player-secret-file FILE]

Prints a signed token for player ID (an HMAC-SHA256 JWT whose subject is
the player, with an expiry and an audience), good on every node of the
cluster that holds the same secret and expects the same audience. A client
sends it in hello.

  --player ID                the player id: 1-64 of A-Z a-z 0-9 . _ -
  --ttl D                    how long the token is valid (default 24h)
  --audience A               the audience the nodes expect (tableraftd
                             --player-audience; env TABLERAFT_PLAYER_AUDIENCE;
                             default ` + auth.DefaultAudience + `)
  --player-secret-file FILE  the players' secret (env TABLERAFT_PLAYER_SECRET_FILE;
                             default ` + defaultPlayerSecretFile + `)
`

func runToken(e *env, args []string) int {
	fs := flag.NewFlagSet("tablectl token", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	player := fs.String("player", "", "player id")
	ttl := fs.Duration("ttl", 24*time.Hour, "validity")
	audience := fs.String("audience", envOr("TABLERAFT_PLAYER_AUDIENCE", auth.DefaultAudience), "audience")
	secret := fs.String("player-secret-file", envOr("TABLERAFT_PLAYER_SECRET_FILE", defaultPlayerSecretFile), "secret file")
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl token", func(w io.Writer) { fmt.Fprint(w, tokenHelp) })
	}
	if fs.NArg() != 0 || *player == "" {
		fmt.Fprintln(e.stderr, "tablectl token: --player is required and takes no arguments")
		return exitUsage
	}
	if err := auth.ValidPlayer(*player); err != nil {
		fmt.Fprintln(e.stderr, "tablectl token:", err)
		return exitUsage
	}
	if *ttl <= 0 {
		fmt.Fprintln(e.stderr, "tablectl token: --ttl must be positive")
		return exitUsage
	}
	keys, err := auth.ReadSecretFile(*secret)
	if err == nil {
		keys, err = keys.WithAudience(*audience)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl token:", err)
		return exitUsage
	}
	tok, err := keys.Mint(*player, *ttl)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl token:", err)
		return exitFailure
	}
	fmt.Fprintln(e.stdout, tok)
	return exitOK
}
