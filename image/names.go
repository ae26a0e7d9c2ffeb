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
// file name that go-diskfs writes correctly.
func checkName(name string) error {
	switch {
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		// Windows and Linux strip a trailing dot or space, so the file
		// could not be opened by its name.
		return errors.New("name ends in a dot or a space")
	case strings.HasPrefix(name, "."):
		// go-diskfs derives an empty 8.3 name from ".name" (convertLfnSfn
		// takes everything after the last dot as the extension).
		return errors.New("name starts with a dot, which go-diskfs cannot store")
	}
	for _, r := range name {
		switch {
		case r > 0x7e:
			// go-diskfs counts long-name slots in bytes, not characters
			// (fat12.calculateSlots), and reads the unused ones back as
			// U+FFFF, so it cannot find such a name again.
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
