// Package initrd turns a flattened image into boot files: it streams the
// image's filesystem (mutate.Extract, so OCI whiteouts apply), sends every
// entry under boot/ to a BootFunc and writes everything else as a newc
// cpio archive, gzip'd or not (WithCompression), the format the Linux
// kernel unpacks into its initial root file system.
//
// The archive always starts with /dev/console (char 5:1) so the kernel can
// give the init a console before devtmpfs is mounted. Names that escape the
// root ("../", absolute names) are rejected; relative symlinks that climb
// out of it are dropped by mutate.Extract and never reach the archive. Tar hard links become symlinks to their target, since the
// content of the first link is gone by the time the second is seen.
//
// WithMaxBytes bounds what the archive holds and what goes to the
// BootFunc, entry by entry, before an entry's content is read; BootOnly
// refuses anything outside boot/ (a board base's firmware and kernel
// layers). A segment's archive over 16 MiB lives in an unlinked file
// (WithSpill), not in memory. A newc entry holds less than 4 GiB.
package initrd
