package appbinary

import (
	"archive/tar"
	"errors"
	"fmt"
	"strings"
)

var errNotRegular = errors.New("not a regular file")

// resolve walks p (absolute; a relative p starts at the root too) the
// way the kernel does inside a chroot at the image root: symlinks are
// followed wherever they are, absolute targets restart at the root, ".."
// is taken after following and never climbs above the root, and after
// maxSymlinks links the walk fails. It returns the path reached, as a
// name relative to the root, and its entry.
func (fsys *imageFS) resolve(p string) (name, content string, n node, err error) {
	var cur []string // the resolved directories so far
	rest := strings.Split(p, "/")
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) > 0 {
				cur = cur[:len(cur)-1]
			}
			continue
		}
		name := strings.Join(append(cur, c), "/")
		n, content, err := fsys.lookup(name)
		if err != nil {
			return "", "", node{}, err
		}
		switch n.typ {
		case tar.TypeSymlink:
			if links++; links > maxSymlinks {
				return "", "", node{}, fmt.Errorf("/%s: %w", name, errSymlinkLoop)
			}
			if len(n.link) > maxLinkLen {
				return "", "", node{}, fmt.Errorf("/%s: %w (%d bytes)", name, errNameTooLong, len(n.link))
			}
			if strings.HasPrefix(n.link, "/") {
				cur = cur[:0]
			}
			rest = append(strings.Split(n.link, "/"), rest...)
		case tar.TypeDir:
			cur = append(cur, c)
		default:
			if len(rest) > 0 {
				return "", "", node{}, fmt.Errorf("/%s: %w", name, errNotDir)
			}
			return name, content, n, nil
		}
	}
	name = strings.Join(cur, "/")
	n, content, err = fsys.lookup(name)
	return name, content, n, err
}

// file resolves p to a regular file.
func (fsys *imageFS) file(p string) (name, content string, n node, err error) {
	name, content, n, err = fsys.resolve(p)
	switch {
	case err != nil:
		return "", "", node{}, err
	case n.typ == tar.TypeDir:
		return "", "", node{}, fmt.Errorf("/%s is a directory: %w", name, errNotRegular)
	case n.typ != tar.TypeReg:
		return "", "", node{}, fmt.Errorf("/%s is of tar type %q: %w", name, n.typ, errNotRegular)
	}
	return name, content, n, nil
}
