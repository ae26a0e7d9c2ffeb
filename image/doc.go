// Package image writes the disk image of a board that boots from an SD
// card: an MBR partition table with one bootable FAT32 partition (type
// 0x0C, FAT32 with LBA) at 1 MiB (LBA 2048), holding the boot files given
// as an fs.FS. It also writes the Raspberry Pi firmware's config.txt and
// cmdline.txt (ConfigTxt, CmdlineTxt).
//
// The filesystem is made by go-diskfs (github.com/diskfs/go-diskfs, v1.9):
// it writes the partition entry, lays out the FAT32 volume, allocates
// clusters and writes directory entries, long names included. Write
// streams each file's bytes to the clusters go-diskfs allocated for it
// (File.GetDiskRanges) rather than through go-diskfs's File.Write, which
// issues one write per 512-byte cluster. Then it fixes, in the image, what
// go-diskfs cannot be asked to do (fixdirs.go, fixboot.go): every date and
// time field is set to the build time, the ".." entries of the root's
// subdirectories point at 0, empty files lose the cluster go-diskfs gave
// them, the FSInfo sector gets the real free cluster count, and the boot
// sector the partition offset (hidden sectors) and a volume ID derived
// from a hash of the names and contents; the MBR disk signature comes from
// the same hash. Bytes nobody writes stay zero. So equal inputs give an
// identical image, whatever the wall clock, the order an fs.FS lists
// files in, or the paths involved, and fsck.fat -n finds nothing to fix.
//
// Size: the partition is the smallest whole number of MiB whose data area
// holds the files and directories (in whole clusters, an empty file taking
// one while it is written) plus 10% plus 4 MiB of headroom, and is FAT32:
// at least 65525 clusters (Microsoft FAT specification, "FAT Type
// Determination"), which with go-diskfs's 512-byte clusters means at least
// 33 MiB. The cluster size is go-diskfs's choice, the table of the same
// specification: 512 bytes up to 260 MiB, 4 KiB up to 8 GiB, 8 KiB to
// 16 GiB, 16 KiB to 32 GiB (geometry.go). The image is 1 MiB plus the partition. WithMaxSize turns
// a partition that would grow past a board's limit into ErrTooLarge.
//
// Limits:
//   - FAT32 only, one partition, MBR only (no GPT), no boot code, 512-byte
//     sectors, partitions up to 32 GiB, files up to 4 GiB - 1 byte.
//   - Regular files and directories only: a symlink or device in the
//     fs.FS is an error. Empty directories are kept. All attributes are
//     clear (not even the archive bit).
//   - Names are printable ASCII without " * / : < > ? \ |, do not start
//     with a dot (go-diskfs would make an empty 8.3 name) nor end in a dot
//     or space, and have at most 255 characters. go-diskfs derives 8.3
//     names by upper-casing, dropping spaces and dots, turning other
//     invalid characters into "_" and, for stems longer than 8, adding the
//     Windows numeric tail (bcm2711-rpi-4-b.dtb is BCM271~1.DTB); every
//     other name still gets a long-name entry (config.txt too: go-diskfs
//     does not use the lower-case flags). Since go-diskfs finds an
//     existing entry by its long or its 8.3 name, ignoring case, two names
//     of a directory may not differ only in case or share an 8.3 name
//     (a+b.txt and a_b.txt are both A_B.TXT), and a root file may not be
//     named like the volume label: Write refuses them, naming both.
//   - Times are written as UTC (FAT has no time zone), clamped to
//     1980-01-01..2107-12-31, in 2-second steps.
//   - Speed: bytes are copied at disk speed, but go-diskfs serialises and
//     writes both FATs at every allocation (twice per file) and re-reads
//     the directories on a file's path to open it: about 1.5 ms per file
//     for a 50 MiB partition, growing with the partition and directory
//     sizes.
package image
