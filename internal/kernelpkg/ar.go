package kernelpkg

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// arReader reads the members of a Unix ar archive (the container of a .deb)
// in order, as a stream.
type arReader struct {
	r      *bufio.Reader
	remain int64 // bytes left in the current member
	pad    bool  // members are padded to an even size
}

var errNotAr = errors.New("not an ar archive (a .deb starts with !<arch>)")

func newArReader(r io.Reader) (*arReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic := make([]byte, 8)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != "!<arch>\n" {
		return nil, errNotAr
	}
	return &arReader{r: br}, nil
}

// next skips to the next member and returns its name; io.EOF at the end.
func (a *arReader) next() (string, error) {
	if _, err := io.CopyN(io.Discard, a.r, a.remain); err != nil {
		return "", truncated(err)
	}
	if a.pad {
		if _, err := a.r.Discard(1); err != nil {
			return "", io.EOF
		}
	}
	hdr := make([]byte, 60)
	if _, err := io.ReadFull(a.r, hdr); err == io.EOF {
		return "", io.EOF
	} else if err != nil {
		return "", truncated(err)
	}
	if string(hdr[58:60]) != "`\n" {
		return "", fmt.Errorf("corrupt ar member header")
	}
	size, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
	if err != nil || size < 0 {
		return "", fmt.Errorf("corrupt ar member size %q", hdr[48:58])
	}
	a.remain, a.pad = size, size%2 == 1
	return strings.TrimSuffix(strings.TrimSpace(string(hdr[0:16])), "/"), nil
}

func (a *arReader) Read(p []byte) (int, error) {
	if a.remain <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > a.remain {
		p = p[:a.remain]
	}
	n, err := a.r.Read(p)
	a.remain -= int64(n)
	if err == io.EOF && a.remain > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func truncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("unexpected end of file (truncated download?)")
	}
	return err
}
