package main

import (
	"testing"
	"time"
)

func TestUTC(t *testing.T) {
	for _, sec := range []int64{
		0, 1, 86399, 86400, 951782400, // 2000-02-29
		1735689600,         // 2025-01-01
		2085978495,         // the last second of NTP era 0
		2085978496,         // 2036-02-07T06:28:16Z
		4107542399,         // 2100-02-28T23:59:59Z, not a leap year
		4107542400,         // 2100-03-01
		-1, -86400, -86401, // before 1970
		253402300799, // 9999-12-31T23:59:59Z
	} {
		want := time.Unix(sec, 0).UTC().Format("2006-01-02T15:04:05Z")
		if got := utc(sec); got != want {
			t.Errorf("utc(%d) = %s, want %s", sec, got, want)
		}
	}
	// Every day of four centuries, at one second before midnight.
	for day := int64(-146097); day < 2*146097; day++ {
		sec := day*86400 + 86399
		if got, want := utc(sec), time.Unix(sec, 0).UTC().Format("2006-01-02T15:04:05Z"); got != want {
			t.Fatalf("utc(%d) = %s, want %s", sec, got, want)
		}
	}
}
