package initrd

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/cavaliergopher/cpio"

	"github.com/wispboot/wisp/internal/testenv"
)

type entry struct {
	rec  Record
	data string
}

var sample = []entry{
	{Record{Name: "dev", Mode: ModeDir | 0o755}, ""},
	{Record{Name: "dev/console", Mode: ModeChar | 0o600, RdevMajor: 5, RdevMinor: 1}, ""},
	{Record{Name: "init", Mode: ModeRegular | 0o755, Size: 5, Mtime: 1700000000}, "hello"},
	{Record{Name: "etc", Mode: ModeDir | 0o755}, ""},
	{Record{Name: "etc/odd-size", Mode: ModeRegular | 0o644, Size: 3, UID: 65534, GID: 65534}, "abc"},
	{Record{Name: "bin", Mode: ModeSymlink | 0o777, Size: 7}, "usr/bin"},
}

func writeSample(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, e := range sample {
		if err := w.WriteHeader(e.rec); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestNewcReadsBackInGo reads the archive with an independent reader.
func TestNewcReadsBackInGo(t *testing.T) {
	b := writeSample(t)
	if len(b)%512 != 0 {
		t.Errorf("archive is %d bytes, not a multiple of 512", len(b))
	}
	r := cpio.NewReader(bytes.NewReader(b))
	for i, want := range sample {
		h, err := r.Next()
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if h.Mode&cpio.TypeSymlink == cpio.TypeSymlink && h.Mode&cpio.ModeType == cpio.TypeSymlink {
			data = []byte(h.Linkname) // the reader moves a symlink's content here
		}
		if h.Name != want.rec.Name || string(data) != want.data || uint32(h.Mode)&0o7777 != want.rec.Mode&0o7777 {
			t.Errorf("entry %d = %s %o %q, want %s %o %q", i, h.Name, h.Mode, data, want.rec.Name, want.rec.Mode, want.data)
		}
		if h.Uid != int(want.rec.UID) || h.ModTime.Unix() != want.rec.Mtime {
			t.Errorf("entry %d: uid %d mtime %d, want %d %d", i, h.Uid, h.ModTime.Unix(), want.rec.UID, want.rec.Mtime)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last entry: %v, want EOF", err)
	}
}

// TestNewcReadsBackWithCpio lists the archive with GNU cpio, which also
// shows the device numbers the Go reader does not.
func TestNewcReadsBackWithCpio(t *testing.T) {
	bin := testenv.Tool(t, "cpio", "cpio")
	cmd := exec.Command(bin, "-itv", "--quiet")
	cmd.Stdin = bytes.NewReader(writeSample(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -itv: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(sample) {
		t.Fatalf("cpio listed %d entries, want %d:\n%s", len(lines), len(sample), out)
	}
	for i, want := range []string{"drwxr-xr-x", "crw-------", "-rwxr-xr-x", "drwxr-xr-x", "-rw-r--r--", "lrwxrwxrwx"} {
		if !strings.HasPrefix(lines[i], want) || !strings.Contains(lines[i], sample[i].rec.Name) {
			t.Errorf("line %d = %q, want %s … %s", i, lines[i], want, sample[i].rec.Name)
		}
	}
	if !strings.Contains(lines[1], "5,") || !strings.Contains(lines[1], " 1 ") {
		t.Errorf("dev/console line %q lacks device 5, 1", lines[1])
	}
	if !strings.Contains(lines[5], "bin -> usr/bin") {
		t.Errorf("symlink line %q", lines[5])
	}
}

func TestNewcRejectsShortContent(t *testing.T) {
	w := NewWriter(io.Discard)
	if err := w.WriteHeader(Record{Name: "f", Mode: ModeRegular, Size: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "short"); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader(Record{Name: "g", Mode: ModeRegular}); err == nil {
		t.Error("no error when an entry is shorter than its header")
	}
	if _, err := w.Write([]byte("toolongforanemptyentry")); err == nil {
		t.Error("no error when content exceeds the header")
	}
}
