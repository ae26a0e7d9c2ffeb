package image

import (
	"crypto/sha256"
	"fmt"
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
//
// It returns the content's SHA-256: known, if the caller knew it, else
// computed while copying.
func copyFile(fat filesystem.FileSystem, img io.WriterAt, boot fs.FS, e entry, known []byte, buf []byte) (fs.FileInfo, []byte, error) {
	src, err := boot.Open(e.name)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	dst, err := fat.OpenFile("/"+e.name, os.O_CREATE|os.O_RDWR)
	if err != nil {
		return nil, nil, err
	}
	defer dst.Close()
	in := io.LimitReader(src, e.size+1)
	sum := sha256.New()
	if known == nil {
		in = io.TeeReader(in, sum)
	}
	if err := copyRanges(dst, img, in, e.size, buf); err != nil {
		return nil, nil, err
	}
	// Whatever is left must be nothing: the file may not have grown.
	if n, err := io.CopyBuffer(io.Discard, in, buf); err != nil {
		return nil, nil, err
	} else if n > 0 {
		return nil, nil, fmt.Errorf("file grew while copying: more than %d bytes", e.size)
	}
	info, err := dst.Stat()
	if known == nil {
		known = sum.Sum(nil)
	}
	return info, known, err
}

// copyRanges writes size bytes of in where go-diskfs put dst's clusters.
func copyRanges(dst filesystem.File, img io.WriterAt, in io.Reader, size int64, buf []byte) error {
	if size == 0 {
		return nil
	}
	if _, err := dst.Seek(size-1, io.SeekStart); err != nil {
		return err
	}
	if _, err := dst.Write([]byte{0}); err != nil {
		return err
	}
	dr, ok := dst.(diskRanger)
	if !ok {
		return fmt.Errorf("go-diskfs file %T has no GetDiskRanges", dst)
	}
	ranges, err := dr.GetDiskRanges()
	if err != nil {
		return err
	}
	var done int64
	for _, r := range ranges {
		n := min(size-done, int64(r.Length))
		w := io.NewOffsetWriter(img, partitionStart+int64(r.Offset))
		copied, err := io.CopyBuffer(w, io.LimitReader(in, n), buf)
		done += copied
		if err != nil {
			return err
		}
		if copied < n {
			return fmt.Errorf("file shrank while copying: %d bytes, not %d", done, size)
		}
	}
	return nil
}

// diskRanger is implemented by go-diskfs's FAT files (fat12.File, which
// fat32 uses).
type diskRanger interface {
	GetDiskRanges() ([]fat12.DiskRange, error)
}

var _ diskRanger = (*fat12.File)(nil)
