// Package image writes the disk image of a board that boots from an SD
// card: an MBR partition table with one bootable FAT32 partition (type
// 0x0C, FAT32 with LBA) at 1 MiB (LBA 2048), holding the boot files given
// as an fs.FS. It also writes the Raspberry Pi firmware's config.txt and
// cmdline.txt (ConfigTxt, CmdlineTxt), and reads a file back out of an
// image (ReadFile, with go-diskfs).
//
// The filesystem is wisp's own writer, after the Microsoft FAT
// specification. Everything is decided before the first byte is written
// (layout.go, dir.go, volume.go): the partition size, every 8.3 name,
// and one run of clusters for the root directory and then for each
// directory and file in name order, so the image is written front to
// back in a single pass — MBR, reserved sectors, both FATs, directories
// and file contents in cluster order — and hashed as it goes (on another
// goroutine), which gives its SHA-256 without reading it back. The gap
// before the partition and the free clusters are not written: the file
// is extended to its size first and reads as zeros there.
//
// Every date and time field holds the build time (WithTime), the volume
// ID and the MBR disk signature come from a hash of the label, the time
// and every file's name, size and content digest (WithDigests spares
// reading the files whose digest the caller knows), ".." of a directory
// in the root is 0 and an empty file has no cluster, as the
// specification says, and the FSInfo sector has the real free cluster
// count. So equal inputs give an identical image, whatever the wall
// clock, the order an fs.FS lists files in, or the paths involved, and
// fsck.fat -n finds nothing to fix.
//
// Size: the partition is the smallest whole number of MiB whose data area
// holds the files and directories (in whole clusters) plus 10% plus 4 MiB
// of headroom, and is FAT32: at least 65525 clusters (Microsoft FAT
// specification, "FAT Type Determination"), which with 512-byte clusters
// means at least 33 MiB. The cluster size comes from the table of the
// same specification, which mkfs.fat uses too: 512 bytes up to 260 MiB,
// 4 KiB up to 8 GiB, 8 KiB to 16 GiB, 16 KiB to 32 GiB (geometry.go). The
// image is 1 MiB plus the partition. WithMaxSize turns a partition that
// would grow past a board's limit into ErrTooLarge.
//
// Names: a name that is already an upper-case 8.3 name ("NOEXT",
// "FIXUP.DAT") is stored as it is; every other name gets long-name
// entries and the 8.3 name of the specification's basis-name algorithm
// (upper case, spaces and leading dots dropped, invalid characters as
// "_", 8 + 3 characters), with the lowest numeric tail ("~1") that no
// other name of its directory has when the basis lost characters or is
// taken: bcm2711-rpi-4-b.dtb is BCM271~1.DTB, a+b.txt is A_B~1.TXT next
// to a_b.txt's A_B.TXT, and a file named like the volume label gets a
// tail too. Exact 8.3 names are reserved first, so the result does not
// depend on the order of the names.
//
// Limits:
//   - FAT32 only, one partition, MBR only (no GPT), no boot code, 512-byte
//     sectors, partitions up to 32 GiB, files up to 4 GiB - 1 byte,
//     65536 entries per directory.
//   - Regular files and directories only: a symlink or device in the
//     fs.FS is an error. Empty directories are kept. All attributes are
//     clear (not even the archive bit).
//   - Names are printable ASCII without " * / : < > ? \ |, do not end in
//     a dot or space, and have at most 255 characters; two names of a
//     directory may not differ only in case, which FAT ignores. The
//     lower-case flags of Windows NT are not used: a name with lower
//     case always gets a long name.
//   - Times are written as UTC (FAT has no time zone), clamped to
//     1980-01-01..2107-12-31, in 2-second steps.
package image
