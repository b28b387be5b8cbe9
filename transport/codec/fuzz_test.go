package codec

import (
	"errors"
	"reflect"
	"testing"

	"tableraft/game"
)

// FuzzDecodeCommand checks the border's promise: any input decodes to a
// message or a *Error, never a panic; a decoded game command encodes and
// decodes to itself; and a command that resolves turns back into the same
// codes.
func FuzzDecodeCommand(f *testing.F) {
	for _, tt := range validMessages {
		f.Add([]byte(tt.in))
	}
	for _, tt := range badMessages {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Code != CodeBadMessage || m != nil {
				t.Fatalf("Decode(%q) = %#v, %v; want nil and a badMessage *Error", b, m, err)
			}
			return
		}
		c, ok := m.(GameCommand)
		if !ok {
			return
		}
		again, err := Decode(EncodeCommand(c))
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip of %q: %#v, %v; want %#v", b, again, err, m)
		}
		for _, n := range []game.Notation{game.SchafkopfNotation, game.SchnapsenNotation} {
			cmd, err := c.Resolve(n)
			if err != nil {
				var ce *Error
				if !errors.As(err, &ce) || ce.Code != CodeBadCard || ce.Seq != c.Seq {
					t.Fatalf("Resolve(%#v) error %v; want a badCard *Error", c, err)
				}
				continue
			}
			back, err := FromCommand(cmd, n)
			back.Seq, back.Table = c.Seq, c.Table
			if err != nil || back != c {
				t.Fatalf("FromCommand(Resolve(%#v)) = %#v, %v", c, back, err)
			}
		}
	})
}
