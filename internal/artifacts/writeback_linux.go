package artifacts

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f's dirty pages to
// disk, without waiting for it (sync_file_range(2) SYNC_FILE_RANGE_WRITE).
// Failing to is no error: the kernel writes them back later anyway.
func startWriteback(f *os.File) {
	unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
