package flash

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// uses lists how f is in use: "/dev/sdb1 on /media/u/BOOT" for a mount
// in /proc/self/mounts, "/dev/sdb2 as swap" for a swap partition in
// /proc/swaps. Each use is listed once.
func (h host) uses(f family) ([]string, error) {
	var uses []string
	seen := map[string]bool{}
	add := func(use string) {
		if !seen[use] {
			seen[use] = true
			uses = append(uses, use)
		}
	}
	mounts, err := os.ReadFile(h.path("/proc/self/mounts"))
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	for _, fields := range table(mounts) {
		if len(fields) >= 2 && h.inFamily(f, fields[0]) {
			add(fields[0] + " on " + fields[1])
		}
	}
	// /proc/swaps is missing when the kernel has no swap support.
	swaps, err := os.ReadFile(h.path("/proc/swaps"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the swap table: %w", err)
	}
	for _, fields := range table(swaps) {
		if len(fields) >= 2 && fields[1] == "partition" && h.inFamily(f, fields[0]) {
			add(fields[0] + " as swap")
		}
	}
	return uses, nil
}

// inFamily reports whether a mount source names a device of f: by its
// kernel name under /dev, or by the device number of the node it names
// (/dev/mapper/root, /dev/disk/by-uuid/…).
func (h host) inFamily(f family, source string) bool {
	if !strings.HasPrefix(source, "/") {
		return false
	}
	if filepath.Dir(source) == "/dev" && f.names[filepath.Base(source)] {
		return true
	}
	n, err := h.stat(h.path(source))
	return err == nil && n.isBlock() && f.devs[n.dev]
}

// table splits a /proc table into lines of fields, undoing the kernel's
// octal escapes (a space is \040).
func table(b []byte) [][]string {
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, f := range fields {
			fields[i] = unescape(f)
		}
		lines = append(lines, fields)
	}
	return lines
}

// unescape decodes \NNN octal escapes (fs/proc_namespace.c mangle).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
