package results

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustOpenSpool(t *testing.T, dir string, max int64) *Spool {
	t.Helper()
	s, notes, err := OpenSpool(dir, max)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		t.Log("open:", n)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSpoolRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenSpool(t, dir, 0)
	want := append(deals(1, 1, 3), deals(2, 1, 2)...)
	if err := s.Append(want[:3]); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(want[3:]); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSpoolDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %v, want %v", ids(got), ids(want))
	}
	if st := s.Stats(); st.Records != 5 || st.Files != 1 || st.Bytes == 0 {
		t.Fatalf("stats %+v, want 5 records in 1 file", st)
	}
}

// TestSpoolTornLastLineIsRecovered: a crash in the middle of an append
// leaves half a line at the end of the file. Readers return every whole
// record before it; opening the spool cuts the torn line off and appends
// go on after the whole records.
func TestSpoolTornLastLineIsRecovered(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenSpool(t, dir, 0)
	if err := s.Append(deals(1, 1, 3)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	path := filepath.Join(dir, "results-00000001.jsonl")
	line, err := encodeSpoolLine(deal(1, 4))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(line[:len(line)/2]) // the crash
	f.Close()

	rs, info, err := ReadSpoolFile(path)
	if err != nil || len(rs) != 3 || info.TornBytes != int64(len(line)/2) {
		t.Fatalf("read a torn file: %d records, %+v, %v; want 3 records and the torn bytes", len(rs), info, err)
	}

	s2, notes, err := OpenSpool(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if len(notes) != 1 || !strings.Contains(notes[0], "torn") {
		t.Fatalf("open notes %q, want one about the torn line", notes)
	}
	if fi, _ := os.Stat(path); fi.Size() != info.WholeBytes {
		t.Fatalf("file is %d bytes after open, want %d (the torn line cut off)", fi.Size(), info.WholeBytes)
	}
	if err := s2.Append(deals(1, 4, 5)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSpoolDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := deals(1, 1, 5); !reflect.DeepEqual(got, want) {
		t.Fatalf("after recovery %v, want %v", ids(got), ids(want))
	}
}

// TestSpoolCorruptLineIsSkipped: a damaged line in the middle (not a
// crash: the CRC does not match) is skipped and reported, the records
// around it are kept.
func TestSpoolCorruptLineIsSkipped(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenSpool(t, dir, 0)
	if err := s.Append(deals(1, 1, 3)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	path := filepath.Join(dir, "results-00000001.jsonl")
	b, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(b), "\n")
	lines[1] = strings.Replace(lines[1], `"DealNo":2`, `"DealNo":9`, 1)
	os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600)

	rs, info, err := ReadSpoolFile(path)
	if !errors.Is(err, ErrSpoolCorrupt) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want ErrSpoolCorrupt naming line 2", err)
	}
	if got := ids(rs); !reflect.DeepEqual(got, []string{"t1-d1", "t1-d3"}) || info.BadLines != 1 {
		t.Fatalf("read %v (%+v), want t1-d1 and t1-d3 with one bad line", got, info)
	}
}

// TestSpoolRotatesBySize: the active file is sealed when the next batch
// would take it past the limit; readers see every file in order.
func TestSpoolRotatesBySize(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenSpool(t, dir, 2048)
	want := deals(1, 1, 40)
	for _, r := range want {
		if err := s.Append(deals(r.Table, r.DealNo, r.DealNo)); err != nil {
			t.Fatal(err)
		}
	}
	names, _ := spoolFiles(dir)
	if len(names) < 3 {
		t.Fatalf("%d files for 40 records at 2 KiB a file, want several", len(names))
	}
	for _, n := range names {
		if fi, _ := os.Stat(filepath.Join(dir, n)); fi.Size() > 2048 {
			t.Fatalf("%s is %d bytes, over the 2 KiB limit", n, fi.Size())
		}
	}
	got, err := ReadSpoolDir(dir)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read %d records (%v), want the 40 in order", len(got), err)
	}
	if st := s.Stats(); st.Records != 40 || st.Files != len(names) {
		t.Fatalf("stats %+v, want 40 records in %d files", st, len(names))
	}
	// Seal hands every file to a replay; removing them empties the spool.
	sealed := s.Seal()
	if len(sealed) != len(names) {
		t.Fatalf("sealed %d files, want %d", len(sealed), len(names))
	}
	for _, p := range sealed {
		if err := s.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st != (SpoolStats{}) {
		t.Fatalf("stats after removing every file: %+v", st)
	}
	if rest, _ := ReadSpoolDir(dir); len(rest) != 0 {
		t.Fatalf("%d records left", len(rest))
	}
}

// TestSpoolFullDiskLeavesNoHalfBatch: on a disk that fills up, a failed
// append reports the error and leaves only whole, earlier batches in the
// file; after space is freed, appends work again.
func TestSpoolFullDiskLeavesNoHalfBatch(t *testing.T) {
	dir := tinyDisk(t, 64<<10)
	s := mustOpenSpool(t, dir, 0)
	var stored []string
	var appendErr error
	for no := 1; no <= 1000 && appendErr == nil; no += 5 {
		batch := deals(1, no, no+4)
		if appendErr = s.Append(batch); appendErr == nil {
			stored = append(stored, ids(batch)...)
		}
	}
	if appendErr == nil || !strings.Contains(appendErr.Error(), "no space left on device") {
		t.Fatalf("append on a full disk: %v, want ENOSPC", appendErr)
	}
	got, err := ReadSpoolDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids(got), stored) {
		t.Fatalf("the spool holds %d records, want exactly the %d of the batches that succeeded", len(got), len(stored))
	}
	if st := s.Stats(); st.Records != len(stored) {
		t.Fatalf("stats say %d records, the files hold %d", st.Records, len(stored))
	}
	// Free space: the spool's own files go (as after a replay).
	for _, p := range s.Seal() {
		if err := s.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Append(deals(3, 1, 5)); err != nil {
		t.Fatalf("append after space was freed: %v", err)
	}
}
