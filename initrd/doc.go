// Package initrd turns a flattened image into boot files: it streams the
// image's filesystem (mutate.Extract, so OCI whiteouts apply), sends every
// entry under boot/ to a BootFunc and writes everything else as a
// compressed newc cpio archive, the format the Linux kernel unpacks into
// its initial root file system.
//
// The archive always starts with /dev/console (char 5:1) so the kernel can
// give the init a console before devtmpfs is mounted. Names that escape the
// root ("../", absolute names) are rejected; relative symlinks that climb
// out of it are dropped by mutate.Extract and never reach the archive. Tar hard links become symlinks to their target, since the
// content of the first link is gone by the time the second is seen.
package initrd
