package image

import (
	"errors"
	"strings"
)

// maxNameLen is the longest long file name, in UTF-16 code units (here:
// ASCII characters), per the Microsoft FAT specification ("Long File Name
// Implementation").
const maxNameLen = 255

// badNameChars may not appear in a long file name: the characters Linux's
// vfat driver refuses (fs/fat/namei_vfat.c, vfat_bad_char), which are
// those the FAT specification lists, plus control characters (< 0x20).
const badNameChars = "\"*/:<>?\\|"

// checkName tells whether one path element can be stored as a VFAT long
// file name.
func checkName(name string) error {
	if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		// Windows and Linux strip a trailing dot or space, so the file
		// could not be opened by its name.
		return errors.New("name ends in a dot or a space")
	}
	for _, r := range name {
		switch {
		case r > 0x7e:
			// A long name could hold it (in UTF-16), but its 8.3 name
			// would depend on a code page: wisp keeps to ASCII.
			return errors.New("name has a character outside printable ASCII")
		case r < 0x20 || strings.ContainsRune(badNameChars, r):
			return errors.New(`name has a control character or one of " * / : < > ? \ |`)
		}
	}
	if len(name) > maxNameLen {
		return errors.New("name is longer than 255 characters")
	}
	return nil
}
