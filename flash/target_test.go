package flash

import "testing"

func TestDescribe(t *testing.T) {
	tests := []struct {
		target Target
		want   string
	}{
		{Target{Path: "/dev/sdb", Size: 62521344 * 512, Block: true, Removable: true, Bus: "usb", Model: "SanDisk Cruzer Blade"},
			"/dev/sdb (SanDisk Cruzer Blade, 32.0 GB, USB)"},
		{Target{Path: "/dev/mmcblk0", Size: 62333952 * 512, Block: true, Removable: true, Bus: "mmc", Model: "SC32G"},
			"/dev/mmcblk0 (SC32G, 31.9 GB, SD card)"},
		{Target{Path: "/dev/sda", Size: 1953525168 * 512, Block: true}, "/dev/sda (1.0 TB)"},
		{Target{Path: "/tmp/disk.raw", Size: 100}, "/tmp/disk.raw (regular file, 100 B)"},
	}
	for _, tt := range tests {
		if got := tt.target.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {999, "999 B"}, {1000, "1.0 kB"}, {4 << 20, "4.2 MB"},
		{32_000_000_000, "32.0 GB"}, {2_000_398_934_016, "2.0 TB"},
	}
	for _, tt := range tests {
		if got := humanSize(tt.n); got != tt.want {
			t.Errorf("humanSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`/media/u/BOOT\040FAT`, "/media/u/BOOT FAT"},
		{`/a\011b\012c\134d`, "/a\tb\nc\\d"},
		{`/plain`, "/plain"},
		{`/trailing\04`, `/trailing\04`},
		{`/not\9octal`, `/not\9octal`},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
