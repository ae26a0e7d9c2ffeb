// Package epoch is wisp's one reader of SOURCE_DATE_EPOCH, the
// reproducible-builds definition of a build's time
// (https://reproducible-builds.org/specs/source-date-epoch/).
//
// Everything wisp writes is dated Time(): tar entries, image configs and
// histories, FAT directory entries (which cannot go before 1980, so the
// image package clamps to that: a limit of the format, not another
// default). An appliance's clock floor is Time() when it is set, else the
// build day (build.ClockFloor).
package epoch

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Time is SOURCE_DATE_EPOCH when it is set, else the Unix epoch.
func Time() time.Time {
	t, _ := Set()
	return t
}

// Set returns SOURCE_DATE_EPOCH and true when it is set to a number of
// seconds, else the Unix epoch and false.
func Set() (time.Time, bool) {
	if n, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Unix(0, 0).UTC(), false
}

// Check reports a SOURCE_DATE_EPOCH that is set but not a number of
// seconds, which Time would otherwise ignore.
func Check() error {
	s, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || s == "" {
		return nil
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", s)
	}
	return nil
}
