// Package boards holds the board profiles: the hardware facts wisp needs to
// build and boot an appliance for one board (platform, page size, kernel file
// and command line, modules, network interface, default base, QEMU settings,
// boot partition and the names of the files wisp writes there). Profiles
// are JSON files embedded from profiles/; a user
// may load their own with Load. Adding a board is adding a file.
package boards
