//go:build !linux

package artifacts

import "os"

// startWriteback does nothing where sync_file_range(2) does not exist.
func startWriteback(*os.File) {}
