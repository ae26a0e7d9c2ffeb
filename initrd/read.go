package initrd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/klauspost/compress/gzip"
)

// Entry is one file of an unpacked initrd.
type Entry struct {
	Record
	Data []byte // content, or a symlink's target
}

// Read unpacks an initrd the way the kernel does: gzip'd or not, archive
// after archive (zero padding between them skipped), later entries
// replacing earlier ones of the same name. It returns the entries by name.
// It holds everything in memory; it is meant for checking initrds.
func Read(r io.Reader) (map[string]Entry, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br) // multistream: every member
		if err != nil {
			return nil, err
		}
		br = bufio.NewReader(zr)
	}
	raw, err := io.ReadAll(br)
	if err != nil {
		return nil, err
	}
	out := map[string]Entry{}
	for off := 0; off < len(raw); {
		if raw[off] == 0 {
			off++
			continue
		}
		if len(raw)-off < 110 || !bytes.HasPrefix(raw[off:], []byte("070701")) {
			return nil, fmt.Errorf("no newc header at byte %d", off)
		}
		var f [13]uint64
		for i := range f {
			if f[i], err = strconv.ParseUint(string(raw[off+6+8*i:off+14+8*i]), 16, 32); err != nil {
				return nil, fmt.Errorf("bad newc header at byte %d", off)
			}
		}
		size, namesize := int(f[6]), int(f[11])
		nameEnd := off + 110 + namesize - 1
		dataStart := (off + 110 + namesize + 3) &^ 3
		if namesize == 0 || dataStart+size > len(raw) {
			return nil, fmt.Errorf("truncated newc entry at byte %d", off)
		}
		name := string(raw[off+110 : nameEnd])
		off = (dataStart + size + 3) &^ 3
		if name == "TRAILER!!!" {
			continue
		}
		out[name] = Entry{
			Record: Record{Name: name, Mode: uint32(f[1]), UID: uint32(f[2]), GID: uint32(f[3]), Nlink: uint32(f[4]),
				Mtime: int64(f[5]), Size: int64(size), RdevMajor: uint32(f[9]), RdevMinor: uint32(f[10])},
			Data: raw[dataStart : dataStart+size],
		}
	}
	return out, nil
}
