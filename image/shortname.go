package image

import (
	"strconv"
	"strings"
)

// shortChars are the characters an 8.3 name may hold besides A-Z and 0-9
// (Microsoft FAT specification, "Directory Entry": DIR_Name). Lower case
// is not among them: names are upper-cased first.
const shortChars = "!#$%&'()-@^_`{}~"

// exactShort returns the padded 8.3 form of name when name is already an
// 8.3 name, upper case and valid: "NOEXT", "BCM271~1.DTB". Such a name is
// stored as it is, with no long-name entries.
func exactShort(name string) ([11]byte, bool) {
	var s [11]byte
	base, ext, dot := strings.Cut(name, ".")
	if len(base) == 0 || len(base) > 8 || len(ext) > 3 || dot && len(ext) == 0 || strings.Contains(ext, ".") {
		return s, false
	}
	for _, part := range []string{base, ext} {
		for i := 0; i < len(part); i++ {
			if !shortChar(part[i]) {
				return s, false
			}
		}
	}
	return short83(base, ext), true
}

func shortChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(shortChars, c) >= 0
}

func pad(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }

// short83 is base and ext as a padded 8.3 name; label83 the volume
// label's 11 bytes, which take the same place in a directory entry.
func short83(base, ext string) (s [11]byte) {
	copy(s[:], pad(base, 8)+pad(ext, 3))
	return s
}

func label83(label string) (s [11]byte) {
	copy(s[:], pad(label, 11))
	return s
}

// basis derives the 8.3 name of a long name by the Microsoft FAT
// specification's "Basis-Name Generation Algorithm": upper case; spaces
// and leading dots dropped; the last dot separates up to 8 characters of
// name from up to 3 of extension, other dots are dropped; characters
// that an 8.3 name cannot hold become "_". lossy reports whether
// anything but case was lost, in which case the name gets a numeric
// tail ("~1").
func basis(name string) (base, ext string, lossy bool) {
	up := strings.ToUpper(name)
	trimmed := strings.TrimLeft(strings.ReplaceAll(up, " ", ""), ".")
	lossy = trimmed != up
	stem := trimmed
	if i := strings.LastIndexByte(trimmed, '.'); i >= 0 {
		stem, ext = trimmed[:i], trimmed[i+1:]
	}
	clean := func(s string, max int) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '.':
				lossy = true // an embedded dot
			case b.Len() == max:
				lossy = true // truncated
			case shortChar(c):
				b.WriteByte(c)
			default:
				b.WriteByte('_')
				lossy = true
			}
		}
		return b.String()
	}
	base, ext = clean(stem, 8), clean(ext, 3)
	if base == "" { // only an extension was left: ".txt"
		base, lossy = "_", true
	}
	return base, ext, lossy
}

// withTail is base with the numeric tail ~n, shortened to fit 8
// characters, and ext, as a padded 8.3 name.
func withTail(base, ext string, n int) [11]byte {
	tail := "~" + strconv.Itoa(n)
	return short83(base[:min(len(base), 8-len(tail))]+tail, ext)
}

// shortNames gives the names of one directory their 8.3 names. An exact
// 8.3 name keeps itself; every other name gets its basis, with the
// lowest numeric tail that no other name of the directory (nor the
// volume label, in the root) has when the basis lost characters or is
// taken. The exact names are reserved first, so the result does not
// depend on the order of the names; names must be sorted for it to be
// reproducible, and differ in more than case.
func shortNames(names []string, label string) (short [][11]byte, long []bool) {
	taken := map[[11]byte]bool{}
	if label != "" {
		taken[label83(label)] = true
	}
	short, long = make([][11]byte, len(names)), make([]bool, len(names))
	for i, name := range names {
		if s, ok := exactShort(name); ok && !taken[s] {
			short[i] = s
			taken[s] = true
			continue
		}
		long[i] = true
	}
	tried := map[string]int{} // basis → the last tail tried for it, all lower ones taken
	for i, name := range names {
		if !long[i] {
			continue
		}
		base, ext, lossy := basis(name)
		s := short83(base, ext)
		if lossy || taken[s] {
			key := base + "." + ext
			n := tried[key]
			for {
				n++
				if s = withTail(base, ext, n); !taken[s] {
					break
				}
			}
			tried[key] = n
		}
		short[i] = s
		taken[s] = true
	}
	return short, long
}
