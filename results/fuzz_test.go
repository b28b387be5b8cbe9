package results

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzSpoolReader feeds arbitrary bytes to the spool reader as the newest
// spool file, the way a node finds it at start after a crash or a disk
// fault: reading never panics, accounts for every byte (whole lines, a
// torn tail), returns only records that encode back to a valid line, and
// opening the spool repairs the file so that a second read finds the same
// records and no torn tail.
func FuzzSpoolReader(f *testing.F) {
	var good []byte
	for _, r := range deals(7, 1, 3) {
		line, err := encodeSpoolLine(r)
		if err != nil {
			f.Fatal(err)
		}
		good = append(good, line...)
	}
	f.Add(good)
	f.Add(good[:len(good)-10])                                      // torn last line
	f.Add(append(append([]byte(nil), good...), "garbage\n{}\n"...)) // corrupt lines
	f.Add([]byte(`{"v":1,"crc":"00000000","result":{}}` + "\n"))
	f.Add([]byte("\n\n\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "results-1.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rs, info, err := ReadSpoolFile(path)
		if err != nil && !errors.Is(err, ErrSpoolCorrupt) {
			t.Fatalf("read: %v", err)
		}
		if info.WholeBytes+info.TornBytes != int64(len(data)) {
			t.Fatalf("whole %d + torn %d != %d bytes", info.WholeBytes, info.TornBytes, len(data))
		}
		if (info.BadLines > 0) != (err != nil) {
			t.Fatalf("%d bad lines but err %v", info.BadLines, err)
		}
		for _, r := range rs {
			line, err := encodeSpoolLine(r)
			if err != nil {
				t.Fatalf("a record read back does not encode: %v", err)
			}
			again, err := decodeSpoolLine(line)
			if err != nil || !reflect.DeepEqual(again, r) {
				t.Fatalf("a record read back does not round-trip: %v", err)
			}
		}
		s, _, err := OpenSpool(dir, 0)
		if err != nil {
			t.Fatalf("open the spool: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		rs2, info2, _ := ReadSpoolFile(path)
		if info2.TornBytes != 0 || len(rs2) != len(rs) {
			t.Fatalf("after the repair: %d records, %d torn bytes; before %d records", len(rs2), info2.TornBytes, len(rs))
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, data[:info.WholeBytes]) {
			t.Fatal("the repair changed more than the torn tail")
		}
	})
}
