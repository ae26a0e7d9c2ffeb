package limits

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in      int
		limit   int64
		wantErr bool
	}{
		{"under", 10, 11, false},
		{"at", 11, 11, false},
		{"over by one", 12, 11, true},
		{"far over", 1 << 20, 11, true},
		{"empty", 0, 0, false},
		{"zero limit", 1, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAll(bytes.NewReader(make([]byte, tt.in)), "the thing", tt.limit)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if int64(len(got)) > tt.limit {
				t.Errorf("handed out %d bytes, over the limit of %d", len(got), tt.limit)
			}
			if err != nil && (!errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the thing")) {
				t.Errorf("err = %v, want ErrTooLarge naming the input", err)
			}
			if !tt.wantErr && len(got) != tt.in {
				t.Errorf("read %d bytes, want %d", len(got), tt.in)
			}
		})
	}
}

// TestReaderSmallReads: a reader fed one byte at a time still stops at
// the limit.
func TestReaderSmallReads(t *testing.T) {
	r := Reader(io.MultiReader(strings.NewReader("abc"), strings.NewReader("def")), "x", 4)
	var got []byte
	buf := make([]byte, 1)
	var err error
	for err == nil {
		var n int
		n, err = r.Read(buf)
		got = append(got, buf[:n]...)
	}
	if string(got) != "abcd" || !errors.Is(err, ErrTooLarge) {
		t.Errorf("got %q, %v; want abcd and ErrTooLarge", got, err)
	}
}

func TestCheckAndBudget(t *testing.T) {
	if err := Check("config of x", 5<<20, Config); err == nil || err.Error() != "config of x is 5 MiB, over wisp's limit (at most 4 MiB)" {
		t.Errorf("Check = %v", err)
	}
	if err := Check("y", Config, Config); err != nil {
		t.Errorf("Check at the limit = %v", err)
	}
	if err := Count("layers of z", 200, Layers, "layers"); err == nil || !strings.Contains(err.Error(), "200 layers") {
		t.Errorf("Count = %v", err)
	}
	b := Budget{What: "the import", Limit: 10}
	if err := b.Spend(6); err != nil {
		t.Fatal(err)
	}
	if err := b.Spend(5); !errors.Is(err, ErrTooLarge) || b.Used() != 6 {
		t.Errorf("Spend over = %v, used %d; want ErrTooLarge and 6 used", err, b.Used())
	}
	if err := b.Spend(-1); err == nil {
		t.Error("a negative size was spent")
	}
}

func TestText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"plain text", 100, "plain text"},
		{"red \x1b[31mALERT\x1b[0m", 100, "red ?[31mALERT?[0m"},
		{"line\nbreak\rreturn", 100, "line?break?return"},
		{"tab\there", 100, "tab here"},
		{"bidi \u202eevil\u202c", 100, "bidi ?evil?"},
		{"bad utf8 \xff\xfe", 100, "bad utf8 ??"},
		{"c1 control \u009b31m", 100, "c1 control ?31m"},
		{"é ünïcode ok", 100, "é ünïcode ok"},
		{strings.Repeat("x", 20), 10, strings.Repeat("x", 10) + "…"},
	} {
		if got := Text(tt.in, tt.max); got != tt.want {
			t.Errorf("Text(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
