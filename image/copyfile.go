package image

import (
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"

	"github.com/diskfs/go-diskfs/filesystem"
	"github.com/diskfs/go-diskfs/filesystem/fat12"
)

// copyBufferBytes is the size of each write into the image.
const copyBufferBytes = 1 * mib

// copyFile streams one file into the filesystem. go-diskfs creates the
// entry and allocates every cluster at once: writing the last byte first
// makes it grow the chain in one step instead of on every write
// (fat12.File.Write calls allocateSpace each time). The content then goes
// straight to where go-diskfs says the file lives (its exported
// GetDiskRanges), in large writes: fat12.File.Write would issue one write
// per 512-byte cluster and rewrite the directory after every call.
func copyFile(fat filesystem.FileSystem, img io.WriterAt, boot fs.FS, e entry, sum hash.Hash, buf []byte) (fs.FileInfo, error) {
	src, err := boot.Open(e.name)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := fat.OpenFile("/"+e.name, os.O_CREATE|os.O_RDWR)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	in := io.TeeReader(io.LimitReader(src, e.size+1), sum)
	if e.size > 0 {
		if _, err := dst.Seek(e.size-1, io.SeekStart); err != nil {
			return nil, err
		}
		if _, err := dst.Write([]byte{0}); err != nil {
			return nil, err
		}
		dr, ok := dst.(diskRanger)
		if !ok {
			return nil, fmt.Errorf("go-diskfs file %T has no GetDiskRanges", dst)
		}
		ranges, err := dr.GetDiskRanges()
		if err != nil {
			return nil, err
		}
		var done int64
		for _, r := range ranges {
			n := min(e.size-done, int64(r.Length))
			w := io.NewOffsetWriter(img, partitionStart+int64(r.Offset))
			copied, err := io.CopyBuffer(w, io.LimitReader(in, n), buf)
			done += copied
			if err != nil {
				return nil, err
			}
			if copied < n {
				return nil, fmt.Errorf("file shrank while copying: %d bytes, not %d", done, e.size)
			}
		}
	}
	// Whatever is left must be nothing: the file may not have grown.
	if n, err := io.CopyBuffer(io.Discard, in, buf); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, fmt.Errorf("file grew while copying: more than %d bytes", e.size)
	}
	return dst.Stat()
}

// diskRanger is implemented by go-diskfs's FAT files (fat12.File, which
// fat32 uses).
type diskRanger interface {
	GetDiskRanges() ([]fat12.DiskRange, error)
}

var _ diskRanger = (*fat12.File)(nil)
