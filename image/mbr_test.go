package image

import (
	"bytes"
	"testing"
)

// TestMBR parses the first sector by hand.
func TestMBR(t *testing.T) {
	t.Parallel()
	img, st := writeImage(t, piFiles())
	fsck(t, img)
	s := sector(t, img, 0)
	if !bytes.Equal(s[510:], []byte{0x55, 0xaa}) {
		t.Errorf("boot signature: got % x, want 55 aa", s[510:])
	}
	if !bytes.Equal(s[:mbrSignatureOffset], make([]byte, mbrSignatureOffset)) {
		t.Errorf("boot code area: got non-zero bytes, want zeros (no boot code)")
	}
	if le.Uint32(s[mbrSignatureOffset:]) == 0 {
		t.Errorf("disk signature: got 0, want one derived from the content")
	}
	p := s[mbrEntriesOffset : mbrEntriesOffset+16]
	for _, f := range []struct {
		what      string
		got, want uint32
	}{
		{"status (0x80: bootable)", uint32(p[0]), 0x80},
		{"type (0x0C: FAT32 LBA)", uint32(p[4]), 0x0c},
		{"first LBA", le.Uint32(p[8:]), 2048},
		{"sectors", le.Uint32(p[12:]), uint32(st.PartitionBytes / 512)},
		{"start head", uint32(p[1]), 32},   // LBA 2048 = C 0, H 32, S 33
		{"start sector", uint32(p[2]), 33}, // with 255 heads, 63 sectors
		{"start cylinder", uint32(p[3]), 0},
	} {
		if f.got != f.want {
			t.Errorf("partition 1 %s: got %#x, want %#x", f.what, f.got, f.want)
		}
	}
	if rest := s[mbrEntriesOffset+16 : 510]; !bytes.Equal(rest, make([]byte, len(rest))) {
		t.Errorf("partitions 2-4: got % x, want zeros", rest)
	}
	if got, want := st.ImageBytes, int64(2048*512)+st.PartitionBytes; got != want {
		t.Errorf("image size: got %d, want %d (partition start + size)", got, want)
	}
	// The volume's boot sector knows where it starts.
	if got := le.Uint32(sector(t, img, partitionStart)[bpbHiddenSectors:]); got != 2048 {
		t.Errorf("BPB_HiddSec: got %d, want 2048", got)
	}
}

func TestCHS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lba     uint32
		c, h, s byte
	}{
		{0, 0, 0, 1},
		{2048, 0, 32, 33},
		{16065, 1, 0, 1},                  // first sector of cylinder 1
		{16065*256 + 62, 0, 0, 0x40 | 63}, // cylinder 256: its bit 8 goes to bit 6 of the sector byte
		{1023*16065 + 16064, 0xff, 254, 0xc0 | 63},
		{1024 * 16065, 0xff, 254, 0xc0 | 63}, // past CHS: 1023/254/63
	} {
		c, h, s := chs(tc.lba)
		if c != tc.c || h != tc.h || s != tc.s {
			t.Errorf("chs(%d): got %#x/%d/%#x, want %#x/%d/%#x", tc.lba, c, h, s, tc.c, tc.h, tc.s)
		}
	}
}
