package image

import (
	"fmt"
	"strings"
	"time"

	"github.com/wispboot/wisp/internal/epoch"
)

// DefaultLabel is the volume label of a boot partition.
const DefaultLabel = "WISPBOOT"

// FAT stores local dates from 1980-01-01 to 2107-12-31 with 2-second
// resolution (Microsoft FAT specification, "Date and Time Formats").
var (
	fatEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	fatEnd   = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
)

// Option changes how Write builds the image.
type Option func(*options)

type options struct {
	time    time.Time
	label   string
	maxSize int64             // 0: no limit
	digests map[string][]byte // name → SHA-256 of its content, known to the caller
}

// WithTime sets the time stamped on every directory entry. FAT cannot
// represent times before 1980-01-01 or after 2107-12-31, so t is clamped
// to that range, and its seconds are rounded down to an even number. The
// default is epoch.Time() (SOURCE_DATE_EPOCH, else 1970, which becomes
// 1980-01-01 00:00:00).
func WithTime(t time.Time) Option {
	return func(o *options) { o.time = t }
}

// WithLabel sets the volume label: 1 to 11 characters from A-Z, 0-9,
// space (not first) and !#$%&'()-@^_`{}~. The default is "WISPBOOT".
func WithLabel(s string) Option {
	return func(o *options) { o.label = s }
}

// WithMaxSize limits the partition (the boot files plus headroom) to
// bytes; a larger one makes Write fail with ErrTooLarge. The default is
// no limit.
func WithMaxSize(bytes int64) Option {
	return func(o *options) { o.maxSize = bytes }
}

// WithDigests gives the SHA-256 of files' content (by their name in boot),
// which the caller knows already: Write derives the volume ID and the disk
// signature from every file's name, size and content digest, and hashes
// only the files whose digest it is not given. A wrong digest gives a
// wrong ID, not a wrong file.
func WithDigests(d map[string][]byte) Option {
	return func(o *options) { o.digests = d }
}

func newOptions(opts []Option) (*options, error) {
	o := &options{time: epoch.Time(), label: DefaultLabel}
	for _, opt := range opts {
		opt(o)
	}
	if err := checkLabel(o.label); err != nil {
		return nil, err
	}
	if o.maxSize < 0 {
		return nil, fmt.Errorf("maximum size %d is negative", o.maxSize)
	}
	o.time = fatTime(o.time)
	return o, nil
}

// fatTime clamps t to what a FAT directory entry can hold, in UTC.
func fatTime(t time.Time) time.Time {
	t = t.UTC()
	switch {
	case t.Before(fatEpoch):
		return fatEpoch
	case t.After(fatEnd):
		return fatEnd
	}
	return t.Truncate(2 * time.Second)
}

// labelChars are the characters of a FAT short name (Microsoft FAT
// specification, "Directory Entry": DIR_Name), less lower case, which
// Windows and mkfs.fat would upper-case.
const labelChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&'()-@^_`{}~"

func checkLabel(s string) error {
	bad := len(s) == 0 || len(s) > 11 || s[0] == ' '
	for _, r := range s {
		bad = bad || !strings.ContainsRune(labelChars, r)
	}
	if bad {
		return fmt.Errorf("volume label %q: use 1 to 11 characters of A-Z, 0-9, space (not first) and !#$%%&'()-@^_`{}~", s)
	}
	return nil
}
