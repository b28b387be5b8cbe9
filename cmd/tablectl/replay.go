package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"tableraft/transport/codec"
)

// maxReplayFile bounds what replay reads, so a wrong path (a device, a
// huge log) fails clearly instead of filling the memory.
const maxReplayFile = 64 << 20

const replayHelp = `Usage: tablectl replay FILE

Runs a replay file through the game engine offline, on the fixed deck the
file gives, and prints what happens as JSON lines. FILE "-" reads standard
input. The format is in docs/PROTOCOL.md ("Replay files"):

  {"game":"schnapsen","options":{},"dealer":1,
   "deck":["AD","JC","QC", ... every card, index 0 first],
   "actions":[{"seat":0,"type":"playACard","card":"AD"},
              {"seat":1,"type":"closeTalon"},
              {"type":"timeout"}]}

Output: first the events of the deal's start, then for each action (i
counts from 0) {"i":3,"ok":true} or {"i":3,"ok":false,"code":"..."},
followed by the events that action caused. Events are
the JSON a client receives, unredacted, numbered from 1, without a table
id. The deal starts at Unix time 0 and action i happens at (i+1) seconds,
so deadlines are the same on every run. A refused action changes nothing
and the replay goes on.

Exit status: 0 when the file is valid, whatever the moves did; 2 when it
is not (not JSON, unknown game, bad options, dealer not a seat, deck not
the game's cards), with the reason on standard error; 1 when the output
cannot be written.
`

// runReplay is "tablectl replay FILE".
func runReplay(e *env, args []string) int {
	fs := flag.NewFlagSet("tablectl replay", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	printHelp := func(w io.Writer) { fmt.Fprint(w, replayHelp) }
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl replay", printHelp)
	}
	if fs.NArg() != 1 {
		fmt.Fprint(e.stderr, "tablectl replay: want exactly one FILE (or - for standard input)\n")
		fmt.Fprint(e.stderr, "Run 'tablectl replay --help' for usage.\n")
		return exitUsage
	}
	name := fs.Arg(0)
	in, err := readReplay(e, name)
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl replay: %v\n", err)
		return exitUsage
	}
	r, err := codec.DecodeReplay(in)
	if err == nil {
		err = r.Run(e.stdout)
	}
	switch {
	case errors.Is(err, codec.ErrInvalidReplay):
		fmt.Fprintf(e.stderr, "tablectl replay: %s: %v\n", name, err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(e.stderr, "tablectl replay: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// readReplay reads the file name, or standard input for "-".
func readReplay(e *env, name string) ([]byte, error) {
	r := e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxReplayFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxReplayFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxReplayFile>>20)
	}
	return b, nil
}
