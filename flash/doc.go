// Package flash writes a disk image to a block device (an SD card, a USB
// stick) or to an existing regular file, then verifies it by reading it
// back.
//
// Check refuses, before anything is written, the targets that look like a
// mistake: a partition instead of the whole disk; a disk that is mounted or
// used as swap, itself, through one of its partitions or through a
// device-mapper or RAID device built on it; a disk that is neither
// removable nor on USB or an SD card (an internal disk: WithForce
// overrides this check and no other); a read-only device (an SD card's
// lock switch); a reader with no card in it; a device smaller than the
// image; and anything that is neither a block device nor a regular file.
// Symbolic links such as /dev/disk/by-id/… are resolved first.
//
// A disk counts as removable when sysfs says so (removable = 1) or when its
// sysfs device path runs through a USB bus (a "usb…" element) or an MMC
// host holding an SD card (device/type "SD"). A soldered eMMC (type "MMC"),
// SATA and NVMe disks, loop and device-mapper devices need WithForce.
//
// Regular files are accepted as targets, for disk files of virtual machines
// and for tests. The file must exist: Write never creates one, so a
// mistyped /dev name fails instead of leaving a file in /dev. It is written
// in place from offset 0 and never truncated: a larger file keeps its
// bytes after the image, as a larger device does. A smaller file grows, so
// its size is not checked.
//
// Open checks the target and opens it once (exclusively, for a block
// device); its Device is what the caller describes in the question and
// writes after the answer. Everything goes through that descriptor, which
// is checked again before the first byte against what the question showed
// (device number or file, size, model, serial), so a symbolic link that
// points elsewhere meanwhile, or a card swapped for another that got the
// same device number, is never written.
//
// Write copies in 4 MiB chunks, syncing a block device every 64 MiB so that
// progress follows the device rather than the page cache, flushes the
// buffer cache (BLKFLSBUF) and compares a SHA-256 of every chunk read back
// with the one written. Cancelling the context stops it between chunks.
//
// Limits: block devices are Linux only (the checks read /proc/self/mounts,
// /proc/swaps and /sys). Mounts in other mount namespaces are not listed
// in /proc/self/mounts; opening the device with O_EXCL catches those the
// kernel holds. The package prints nothing; progress goes to WithProgress.
package flash
