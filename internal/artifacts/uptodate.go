package artifacts

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/wispboot/wisp/oci"
)

// An output's stamp: what the file system says of a file wisp wrote or
// checked, and its SHA-256. Writing to the file, renaming another over
// it, or changing its times or mode all change its ctime (or inode), which
// no user can set back, so an equal stamp means the same content, as far
// as anything short of a damaged disk goes. This is make's check with
// ctime and inode added; it spares reading the kernel (the largest file)
// on every build into the same directory. Any change to the file
// invalidates it.
type outputStamp struct {
	Dev, Ino     uint64
	Size         int64
	Mtime, Ctime int64 // nanoseconds
	SHA256       string
}

func stampOf(path string) (outputStamp, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return outputStamp{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return outputStamp{}, false
	}
	return outputStamp{Dev: uint64(st.Dev), Ino: st.Ino, Size: st.Size,
		Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano()}, true
}

// stampKey names the stamp of an output by its absolute path.
type stampKey struct {
	Kind string `json:"kind"` // "output"
	Path string `json:"path"`
}

func stampKeyOf(path string) stampKey {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return stampKey{Kind: "output", Path: path}
}

// upToDate reports whether path holds size bytes that hash to sum (hex).
// The stamp the store remembers for path answers if the file still
// matches it; otherwise the file is read and hashed, and its stamp
// remembered when it is right. s may be nil: then it always hashes.
func upToDate(s *oci.Store, path string, size int64, sum string) bool {
	now, ok := stampOf(path)
	if !ok || now.Size != size {
		return false
	}
	if s != nil {
		var was outputStamp
		if found, _ := s.Memo(stampKeyOf(path), &was); found {
			now.SHA256 = was.SHA256
			if was == now {
				return was.SHA256 == sum
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil || hex.EncodeToString(h.Sum(nil)) != sum {
		return false
	}
	rememberOutput(s, path, sum)
	return true
}

// rememberOutput keeps the stamp of path, which wisp has just written
// with content that hashes to sum. Failing to is no error: the next build
// hashes the file instead.
func rememberOutput(s *oci.Store, path, sum string) {
	if s == nil {
		return
	}
	if st, ok := stampOf(path); ok {
		st.SHA256 = sum
		s.SetMemo(stampKeyOf(path), st)
	}
}
