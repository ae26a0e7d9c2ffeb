package image

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCheckLabel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		label string
		ok    bool
	}{
		{"WISPBOOT", true},
		{"BOOT", true},
		{"A", true},
		{"ELEVENCHARS", true},
		{"MY BOOT-1_(X)", false}, // 13 characters
		{"MY BOOT-1_X", true},
		{"", false},
		{"TWELVE CHARS", false},
		{"boot", false}, // lower case
		{" BOOT", false},
		{"BOOT.1", false},
		{"BOÖT", false},
	} {
		if err := checkLabel(tc.label); (err == nil) != tc.ok {
			t.Errorf("checkLabel(%q): got %v, want ok=%t", tc.label, err, tc.ok)
		}
	}
}

func TestWithLabel(t *testing.T) {
	t.Parallel()
	img, _ := writeImage(t, fstest.MapFS{"x": {}}, WithLabel("RPI BOOT"))
	fsck(t, img)
	if out := string(mtools(t, img, "mdir", "::")); !strings.Contains(out, "Volume in drive : is RPI BOOT") {
		t.Errorf("mdir: no label RPI BOOT:\n%s", out)
	}
	if got := string(sector(t, img, partitionStart)[71:82]); got != "RPI BOOT   " {
		t.Errorf("BS_VolLab: got %q, want \"RPI BOOT   \"", got)
	}
	if _, err := Write(t.TempDir()+"/x.img", fstest.MapFS{}, WithLabel("boot")); err == nil || !strings.Contains(err.Error(), `volume label "boot"`) {
		t.Errorf("Write with a lower-case label: got %v, want an error naming it", err)
	}
}

func TestFATTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want time.Time
	}{
		{time.Unix(0, 0), fatEpoch},
		{time.Date(1979, 12, 31, 23, 59, 59, 0, time.UTC), fatEpoch},
		{time.Date(2024, 5, 6, 7, 8, 9, 500, time.UTC), time.Date(2024, 5, 6, 7, 8, 8, 0, time.UTC)},
		{time.Date(2024, 5, 6, 9, 8, 10, 0, time.FixedZone("CEST", 7200)), time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC)},
		{time.Date(2108, 1, 1, 0, 0, 0, 0, time.UTC), fatEnd},
	} {
		if got := fatTime(tc.in); !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("fatTime(%v): got %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestDefaultTime: an image is dated epoch.Time(), clamped to FAT's range.
func TestDefaultTime(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want time.Time
	}{
		{"", fatEpoch},
		{"junk", fatEpoch},
		{"1700000000", time.Unix(1700000000, 0)},
	} {
		t.Setenv("SOURCE_DATE_EPOCH", tc.env)
		o, err := newOptions(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !o.time.Equal(tc.want) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: got %v, want %v", tc.env, o.time, tc.want)
		}
	}
}

func TestFATDateTime(t *testing.T) {
	t.Parallel()
	// 2024-05-06 07:08:10: date (44<<9)|(5<<5)|6, time (7<<11)|(8<<5)|5.
	date, tm := fatDateTime(time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC))
	if date != 44<<9|5<<5|6 || tm != 7<<11|8<<5|5 {
		t.Errorf("fatDateTime: got %#04x %#04x, want %#04x %#04x", date, tm, 44<<9|5<<5|6, 7<<11|8<<5|5)
	}
}
