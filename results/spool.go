package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"tableraft/fsm"
)

// The spool is a directory of JSON-lines files, results-00000001.jsonl,
// results-00000002.jsonl, ...: one finished deal a line, appended and
// fsync'd before the writer proposes ResultStored. The highest-numbered
// file is the active one; a file is closed ("sealed") when it reaches the
// size limit or when a replay takes it. A line is
//
//	{"v":1,"crc":"1c291ca3","result":{...fsm.Result...}}
//
// where crc is the CRC-32 (IEEE) of the result's bytes exactly as written.
// A line counts only when it ends in '\n', parses and matches its CRC: a
// crash mid-write leaves a torn last line, which readers ignore and Open
// cuts off.

// spoolLineV1 is the version of the line format.
const spoolLineV1 = 1

// DefaultSpoolFileBytes is the size at which the active spool file is
// sealed and a new one started.
const DefaultSpoolFileBytes = 4 << 20

// ErrSpoolCorrupt: a spool line in the middle of a file does not parse or
// does not match its CRC (disk corruption, or an edit by hand). The
// readable records are still returned; a replay keeps such a file, renamed
// to *.bad, for an operator.
var ErrSpoolCorrupt = errors.New("results: corrupt spool line")

type spoolLine struct {
	V      int             `json:"v"`
	CRC    string          `json:"crc"`
	Result json.RawMessage `json:"result"`
}

// Spool is the disk fallback of one node. Its methods are safe for
// concurrent use: the leader's writer appends while the replay seals and
// removes files.
type Spool struct {
	dir      string
	maxBytes int64

	mu      sync.Mutex
	active  *os.File // nil until the next Append creates a file
	name    string   // the active file's base name
	size    int64    // the active file's size
	next    int      // the number of the next file to create
	files   map[string]fileStat
	errored bool // the last write failed and could not be undone: start a new file
}

type fileStat struct {
	bytes   int64
	records int
}

// SpoolStats is the spool's size.
type SpoolStats struct {
	Files   int
	Bytes   int64
	Records int
}

// OpenSpool opens (creating it if needed) the spool in dir. maxFileBytes
// <= 0 means DefaultSpoolFileBytes. A torn last line of the newest file (a
// crash in the middle of an append) is cut off; the records before it are
// kept. The notes say what was repaired or found corrupt, for the log.
// Appends go to a new file: files that exist are never written again.
func OpenSpool(dir string, maxFileBytes int64) (*Spool, []string, error) {
	if maxFileBytes <= 0 {
		maxFileBytes = DefaultSpoolFileBytes
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("results: spool dir: %w", err)
	}
	s := &Spool{dir: dir, maxBytes: maxFileBytes, next: 1, files: map[string]fileStat{}}
	names, err := spoolFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	for i, name := range names {
		path := filepath.Join(dir, name)
		rs, info, err := ReadSpoolFile(path)
		if err != nil && !errors.Is(err, ErrSpoolCorrupt) {
			return nil, nil, err
		}
		if err != nil {
			notes = append(notes, err.Error())
		}
		size := info.WholeBytes + info.TornBytes
		if i == len(names)-1 && info.TornBytes > 0 {
			if err := truncateSync(path, info.WholeBytes); err != nil {
				return nil, nil, fmt.Errorf("results: cut the torn last line of %s: %w", path, err)
			}
			size = info.WholeBytes
			notes = append(notes, fmt.Sprintf("%s: cut a torn last line (%d bytes) after %d whole records", path, info.TornBytes, len(rs)))
		}
		s.files[name] = fileStat{bytes: size, records: len(rs)}
		if n := fileNumber(name); n >= s.next {
			s.next = n + 1
		}
	}
	return s, notes, nil
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Append writes rs to the active file, one line each, and fsyncs it. When
// it returns nil the results are on disk. On error nothing of rs counts:
// the partial write is cut off again (or, if even that fails, the file is
// abandoned and the next Append starts a new one), so the spool never holds
// half a batch that a caller believes failed.
func (s *Spool) Append(rs []fsm.Result) error {
	if len(rs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, r := range rs {
		line, err := encodeSpoolLine(r)
		if err != nil {
			return err
		}
		buf.Write(line)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active != nil && (s.errored || (s.size > 0 && s.size+int64(buf.Len()) > s.maxBytes)) {
		s.sealLocked()
	}
	if s.active == nil {
		if err := s.createLocked(); err != nil {
			return err
		}
	}
	n, err := s.active.Write(buf.Bytes())
	if err == nil {
		err = s.active.Sync()
	}
	if err != nil {
		// Cut the partial batch off again. If that fails too, the file
		// may end in a torn line: leave it to the readers (who skip it)
		// and write the next batch to a new file.
		if terr := s.active.Truncate(s.size); terr != nil || s.active.Sync() != nil {
			s.errored = true
		}
		return fmt.Errorf("results: spool append to %s: %w", filepath.Join(s.dir, s.name), err)
	}
	s.size += int64(n)
	st := s.files[s.name]
	st.bytes += int64(n)
	st.records += len(rs)
	s.files[s.name] = st
	return nil
}

// createLocked starts the next file and makes its directory entry durable.
func (s *Spool) createLocked() error {
	name := fmt.Sprintf("results-%08d.jsonl", s.next)
	f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("results: spool: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		f.Close()
		os.Remove(filepath.Join(s.dir, name))
		return fmt.Errorf("results: spool: %w", err)
	}
	s.next++
	s.active, s.name, s.size, s.errored = f, name, 0, false
	s.files[name] = fileStat{}
	return nil
}

func (s *Spool) sealLocked() {
	if s.active != nil {
		s.active.Close()
		s.active = nil
	}
}

// Seal closes the active file, so that every file present is complete,
// and returns the paths of the files that hold records, oldest first.
// Appends after Seal go to a new file.
func (s *Spool) Seal() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sealLocked()
	var out []string
	for name, st := range s.files {
		if st.records > 0 || st.bytes > 0 {
			out = append(out, name)
			continue
		}
		// An empty file (its only batch failed): nothing to replay.
		os.Remove(filepath.Join(s.dir, name))
		delete(s.files, name)
	}
	sort.Strings(out)
	for i, name := range out {
		out[i] = filepath.Join(s.dir, name)
	}
	return out
}

// Remove deletes a sealed file whose records are confirmed stored, and
// makes the deletion durable.
func (s *Spool) Remove(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := filepath.Base(path)
	if s.active != nil && name == s.name {
		return fmt.Errorf("results: spool: %s is the active file", name)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("results: spool: %w", err)
	}
	delete(s.files, name)
	return syncDir(s.dir)
}

// Quarantine renames a sealed file with unreadable lines to *.bad, where
// readers and replays no longer look, for an operator to inspect.
func (s *Spool) Quarantine(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Rename(path, path+".bad"); err != nil {
		return fmt.Errorf("results: spool: %w", err)
	}
	delete(s.files, filepath.Base(path))
	return syncDir(s.dir)
}

// Stats returns the spool's current size.
func (s *Spool) Stats() SpoolStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st SpoolStats
	for _, f := range s.files {
		if f.records == 0 && f.bytes == 0 {
			continue
		}
		st.Files++
		st.Bytes += f.bytes
		st.Records += f.records
	}
	return st
}

// Close closes the active file.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active == nil {
		return nil
	}
	err := s.active.Close()
	s.active = nil
	return err
}

func encodeSpoolLine(r fsm.Result) ([]byte, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("results: encode %s: %w", r.GameID, err)
	}
	line, err := json.Marshal(spoolLine{V: spoolLineV1, CRC: crcOf(body), Result: body})
	if err != nil {
		return nil, fmt.Errorf("results: encode %s: %w", r.GameID, err)
	}
	return append(line, '\n'), nil
}

func crcOf(b []byte) string {
	return fmt.Sprintf("%08x", crc32.ChecksumIEEE(b))
}

// ReadInfo describes what reading a spool file found.
type ReadInfo struct {
	// WholeBytes is the length of the file up to the end of the last line
	// that ends in a newline.
	WholeBytes int64
	// TornBytes is what follows: a last line cut short by a crash.
	TornBytes int64
	// BadLines counts complete lines that do not parse or fail their CRC;
	// BadBytes is their length. They are skipped.
	BadLines int
	BadBytes int64
}

// ReadSpoolFile returns the whole records of one spool file, in order. A
// torn last line is not an error (it is reported in ReadInfo); a corrupt
// line before it is skipped and reported as ErrSpoolCorrupt along with the
// records that were readable.
func ReadSpoolFile(path string) ([]fsm.Result, ReadInfo, error) {
	var info ReadInfo
	f, err := os.Open(path)
	if err != nil {
		return nil, info, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	var out []fsm.Result
	rd := bufio.NewReaderSize(f, 64<<10)
	var firstBad error
	for lineNo := 1; ; lineNo++ {
		line, err := rd.ReadBytes('\n')
		if err == io.EOF {
			info.TornBytes = int64(len(line))
			break
		}
		if err != nil {
			return out, info, fmt.Errorf("results: read %s: %w", path, err)
		}
		r, derr := decodeSpoolLine(line)
		if derr != nil {
			info.BadLines++
			info.BadBytes += int64(len(line))
			if firstBad == nil {
				firstBad = fmt.Errorf("%w: %s line %d: %v", ErrSpoolCorrupt, path, lineNo, derr)
			}
			continue
		}
		info.WholeBytes += int64(len(line))
		out = append(out, r)
	}
	// WholeBytes must be an offset: bad lines before the end are part of
	// the whole prefix too.
	info.WholeBytes += info.BadBytes
	return out, info, firstBad
}

func decodeSpoolLine(line []byte) (fsm.Result, error) {
	var l spoolLine
	if err := json.Unmarshal(line, &l); err != nil {
		return fsm.Result{}, err
	}
	if l.V != spoolLineV1 {
		return fsm.Result{}, fmt.Errorf("unknown line version %d", l.V)
	}
	if crcOf(l.Result) != l.CRC {
		return fsm.Result{}, errors.New("CRC mismatch")
	}
	var r fsm.Result
	if err := json.Unmarshal(l.Result, &r); err != nil {
		return fsm.Result{}, err
	}
	if r.GameID == "" {
		return fsm.Result{}, errors.New("a result without a game id")
	}
	return r, nil
}

// ReadSpoolDir returns the records of every spool file in dir, oldest file
// first, without changing anything (a node may be appending: its torn
// last line is simply not counted yet). Corrupt lines are skipped and
// reported in the error, with the readable records returned.
func ReadSpoolDir(dir string) ([]fsm.Result, error) {
	names, err := spoolFiles(dir)
	if err != nil {
		return nil, err
	}
	var out []fsm.Result
	var errs []error
	for _, name := range names {
		rs, _, err := ReadSpoolFile(filepath.Join(dir, name))
		out = append(out, rs...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// spoolFiles lists dir's spool files in order.
func spoolFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("results: spool: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && fileNumber(e.Name()) > 0 {
			names = append(names, e.Name())
		}
	}
	sort.Slice(names, func(i, j int) bool { return fileNumber(names[i]) < fileNumber(names[j]) })
	return names, nil
}

// fileNumber is N of results-N.jsonl, 0 for any other name.
func fileNumber(name string) int {
	num, ok := strings.CutPrefix(name, "results-")
	if !ok {
		return 0
	}
	num, ok = strings.CutSuffix(num, ".jsonl")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func truncateSync(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return err
	}
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
