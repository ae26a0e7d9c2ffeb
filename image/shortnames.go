package image

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// shortNames remembers the 8.3 name go-diskfs gave each entry, per
// directory. go-diskfs looks a new name up among both the long and the
// short names of a directory, case-insensitively (fat12.directoryEntry
// nameMatches), and opens what it finds instead of creating a file: so
// "a_b.txt" would overwrite "a+b.txt", whose 8.3 name is A_B.TXT. And it
// makes sure an 8.3 name is unique only when it had to shorten the name
// (fat12.Directory.createEntry), so "a+b.txt" after "A_B.TXT" would give
// two entries named A_B.TXT. Both are refused here, naming the two files.
type shortNames map[string]map[string]string // dir → upper-case 8.3 name → what has it

// newShortNames starts with the volume label, which go-diskfs keeps as an
// entry of the root and would also take for a file of the same name: a
// file "wispboot" would be opened as the label "WISPBOOT".
func newShortNames(label string) shortNames {
	padded := fmt.Sprintf("%-11s", label)
	return shortNames{".": {trimShort(padded): "the volume label"}}
}

// check is called before name is created.
func (s shortNames) check(name string) error {
	if other, ok := s[path.Dir(name)][strings.ToUpper(path.Base(name))]; ok {
		return collision(other, name, strings.ToUpper(path.Base(name)))
	}
	return nil
}

// add records the 8.3 name of name, just created; info comes from
// go-diskfs, whose fs.FileInfo has a ShortName method.
func (s shortNames) add(name string, info fs.FileInfo) error {
	sn, ok := info.(interface{ ShortName() string })
	if !ok {
		return fmt.Errorf("go-diskfs gave no 8.3 name for %s", name)
	}
	short := strings.ToUpper(sn.ShortName())
	dir := path.Dir(name)
	if other, ok := s[dir][short]; ok {
		return collision(other, name, short)
	}
	if s[dir] == nil {
		s[dir] = map[string]string{}
	}
	s[dir][short] = "boot file " + name
	return nil
}

func collision(holder, name, short string) error {
	return fmt.Errorf("boot file %s would share the FAT 8.3 name %s with %s; rename one", name, short, holder)
}
