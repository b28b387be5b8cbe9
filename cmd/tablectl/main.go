// Command tablectl is the operator's command-line tool: the cluster's
// status, leadership transfer, membership, and offline replays. It only
// parses flags and wires packages together: the logic lives in those
// packages, with their tests.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the command failed (cannot write the output, ...)
	exitUsage   = 2 // bad arguments or invalid input
)

// env is what a subcommand reads and writes, so tests can run main.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// subcommand is one tablectl command.
type subcommand struct {
	name    string
	args    string // the synopsis after the name
	summary string
	run     func(e *env, args []string) int
}

func subcommands() []subcommand {
	return []subcommand{
		{"status", "", "show every node: role, term, indexes, lag, tables", runStatus},
		{"transfer", "[--to ID]", "move leadership and wait until the new leader serves", runTransfer},
		{"join", "--id ID --raft-addr ADDR", "add a node to the cluster", runJoin},
		{"remove", "--id ID", "remove a node from the cluster", runRemove},
		{"replay", "FILE", "run a replay file through the game engine offline", runReplay},
		{"results", "[--player P] [--table N] [--last N] | import FILE", "finished deals from PostgreSQL or the spool; import a spool", runResults},
		{"migrate", "[--pg URL]", "apply the PostgreSQL schema", runMigrate},
		{"token", "--player ID [--ttl 24h] [--audience A]", "print a signed token for a player", runToken},
		{"certs", "--nodes n1,n2,n3 [--dir data/certs] [--hosts H,...]", "make a CA and node certificates for mutual TLS between the nodes", runCerts},
	}
}

// run is main without the process: it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("tablectl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl", usage)
	}
	if fs.NArg() == 0 {
		usage(stderr)
		return exitUsage
	}
	name, rest := fs.Arg(0), fs.Args()[1:]
	if name == "help" {
		return help(e, rest)
	}
	for _, c := range subcommands() {
		if c.name == name {
			return c.run(e, rest)
		}
	}
	fmt.Fprintf(stderr, "tablectl: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

// helpOrUsageError ends a failed flag parse of command cmd: -h/--help
// prints the help to stdout and succeeds; anything else (the flag package
// has already named the problem on stderr) points to the help and fails.
func helpOrUsageError(e *env, err error, cmd string, help func(io.Writer)) int {
	if errors.Is(err, flag.ErrHelp) {
		help(e.stdout)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", cmd)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, "tablectl is the Tableraft operator tool.\n\nUsage:\n  tablectl COMMAND [ARGUMENTS]\n\nCommands:\n")
	for _, c := range subcommands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "  help     show a command's help (tablectl help COMMAND, or tablectl COMMAND --help)\n")
}

// help runs "tablectl help [COMMAND]".
func help(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range subcommands() {
		if c.name == args[0] {
			return c.run(e, []string{"--help"})
		}
	}
	fmt.Fprintf(e.stderr, "tablectl help: unknown command %q\n", args[0])
	return exitUsage
}
