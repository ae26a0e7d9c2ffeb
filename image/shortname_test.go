package image

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestShortNameTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		names []string
		want  []string // NAME.EXT, in the order of names
		long  []bool
	}{
		{[]string{"NOEXT", "FIXUP.DAT"}, []string{"NOEXT", "FIXUP.DAT"}, []bool{false, false}},
		{[]string{"config.txt"}, []string{"CONFIG.TXT"}, []bool{true}},
		{[]string{"bcm2711-rpi-4-b.dtb", "bcm2711-rpi-400.dtb"}, []string{"BCM271~1.DTB", "BCM271~2.DTB"}, []bool{true, true}},
		{[]string{"BCM271~1.DTB", "bcm2711-rpi-4-b.dtb"}, []string{"BCM271~1.DTB", "BCM271~2.DTB"}, []bool{false, true}},
		{[]string{"archive.tar.gz"}, []string{"ARCHIV~1.GZ"}, []bool{true}},
		{[]string{"start4.elf", "start4x.elf", "start4cd.elf", "start4db.elf"}, []string{"START4.ELF", "START4X.ELF", "START4CD.ELF", "START4DB.ELF"}, []bool{true, true, true, true}},
		{[]string{"kernel8.img", "initrd.img", "cmdline.txt"}, []string{"KERNEL8.IMG", "INITRD.IMG", "CMDLINE.TXT"}, []bool{true, true, true}},
		{[]string{"a.jpeg"}, []string{"A~1.JPE"}, []bool{true}},
		{[]string{".txt"}, []string{"TXT~1"}, []bool{true}},
		{[]string{"+.x"}, []string{"_~1.X"}, []bool{true}},
		{[]string{"wispboot"}, []string{"WISPBO~1"}, []bool{true}},
		{[]string{"WISPBOOT"}, []string{"WISPBO~1"}, []bool{true}},
	} {
		short, long := shortNames(tc.names, DefaultLabel)
		var got []string
		for _, s := range short {
			got = append(got, trimShort(s))
		}
		if !slices.Equal(got, tc.want) || !slices.Equal(long, tc.long) {
			t.Errorf("shortNames(%q): got %q long %v, want %q long %v", tc.names, got, long, tc.want, tc.long)
		}
	}
}

// TestShortNamesUnique: many names with one basis get distinct, valid
// 8.3 names, the tail growing and the stem shrinking past ~9, ~99, ...
// (quickly: the search for a free tail does not start again at ~1)
func TestShortNamesUnique(t *testing.T) {
	t.Parallel()
	var names []string
	for i := range 20000 {
		names = append(names, fmt.Sprintf("overlay-number-%04d.dtbo", i))
	}
	short, _ := shortNames(names, DefaultLabel)
	seen := map[[11]byte]string{}
	for i, s := range short {
		if other, ok := seen[s]; ok {
			t.Fatalf("%s and %s share the 8.3 name %q", other, names[i], trimShort(s))
		}
		seen[s] = names[i]
		if _, ok := exactShort(trimShort(s)); !ok {
			t.Errorf("%s: %q is not a valid 8.3 name", names[i], s)
		}
	}
	for i, want := range map[int]string{0: "OVERLA~1.DTB", 8: "OVERLA~9.DTB", 9: "OVERL~10.DTB", 1199: "OVE~1200.DTB", 19999: "OV~20000.DTB"} {
		if got := trimShort(short[i]); got != want {
			t.Errorf("%s: got %s, want %s", names[i], got, want)
		}
	}
}

// trimShort turns a padded 8.3 name into NAME.EXT, as mdir shows it.
func trimShort(s [11]byte) string {
	name, ext := strings.TrimRight(string(s[:8]), " "), strings.TrimRight(string(s[8:]), " ")
	if ext != "" {
		return name + "." + ext
	}
	return name
}
