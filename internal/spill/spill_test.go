package spill

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func TestBuffer(t *testing.T) {
	for _, tt := range []struct {
		name    string
		writes  []int
		spilled bool
	}{
		{"in memory", []int{10, 20}, false},
		{"at the threshold", []int{50, 50}, false},
		{"over in one write", []int{101}, true},
		{"over after several", []int{60, 30, 20, 5}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			b := New(dir, 100)
			defer b.Close()
			var want []byte
			for i, n := range tt.writes {
				p := bytes.Repeat([]byte{byte('a' + i)}, n)
				if _, err := b.Write(p); err != nil {
					t.Fatal(err)
				}
				want = append(want, p...)
			}
			if b.Spilled() != tt.spilled || b.Len() != int64(len(want)) {
				t.Errorf("spilled %v, len %d; want %v, %d", b.Spilled(), b.Len(), tt.spilled, len(want))
			}
			for i := 0; i < 2; i++ { // read twice
				got, err := io.ReadAll(b.Reader())
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("read %d: %d bytes (%v), want %d", i, len(got), err, len(want))
				}
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != 0 {
				t.Errorf("the spill file is visible: %v", ents)
			}
		})
	}
}
