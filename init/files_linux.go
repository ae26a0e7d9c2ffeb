package main

import (
	"errors"
	"strings"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// The init makes directories and reads and writes small files through
// x/sys/unix rather than os.MkdirAll, os.ReadFile and os.WriteFile: those
// call Stat, and an os.FileInfo keeps time.Time's formatting and time zone
// loading in the binary, about 120 KB.

// mkdirAll creates dir and its missing parents, mode 0755.
func mkdirAll(dir string) error {
	for i := 1; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		err := unix.Mkdir(dir[:i], 0o755)
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return errs.Wrap("creating "+dir[:i], err)
		}
	}
	return nil
}

// readFile returns the content of a small file.
func readFile(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", errs.Wrap("opening "+path, err)
	}
	defer unix.Close(fd)
	var sb strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := unix.Read(fd, buf)
		if err != nil {
			return "", errs.Wrap("reading "+path, err)
		}
		if n == 0 {
			return sb.String(), nil
		}
		sb.Write(buf[:n])
	}
}

// writeFile creates or truncates path and writes data to it.
func writeFile(path string, data []byte, mode uint32) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_CLOEXEC, mode)
	if err != nil {
		return errs.Wrap("creating "+path, err)
	}
	var werr error
	for len(data) > 0 && werr == nil {
		var n int
		n, werr = unix.Write(fd, data)
		data = data[n:]
	}
	if err := unix.Close(fd); werr == nil {
		werr = err
	}
	if werr != nil {
		return errs.Wrap("writing "+path, werr)
	}
	return nil
}
