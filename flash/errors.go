package flash

import (
	"errors"
	"io/fs"
)

// Reasons Check and Write refuse or fail, for callers that branch on them.
// The errors returned wrap these with the target and the details.
var (
	// ErrMounted: the target, one of its partitions or a device built on
	// it is mounted, used as swap or held by the kernel.
	ErrMounted = errors.New("target is in use")
	// ErrTooSmall: the device is smaller than the image, or has no medium.
	ErrTooSmall = errors.New("target is too small")
	// ErrNotRemovable: the disk is neither removable nor on USB or an SD
	// card, so it may be an internal disk. WithForce overrides it.
	ErrNotRemovable = errors.New("target is not a removable disk")
	// ErrNotDevice: the target is neither a block device nor a regular file.
	ErrNotDevice = errors.New("target is not a block device or regular file")
	// ErrPartition: the target is a partition; images go to whole disks.
	ErrPartition = errors.New("target is a partition")
	// ErrReadOnly: the device is read-only (an SD card's lock switch?).
	ErrReadOnly = errors.New("target is read-only")
	// ErrVerify: what was read back differs from the image.
	ErrVerify = errors.New("verification failed")
)

// bare drops the *fs.PathError around err, whose message repeats the
// path and operation that the caller's message already names.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
