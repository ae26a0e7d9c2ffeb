package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// compressed lists the module suffixes the kernel decompresses itself when
// finit_module is given MODULE_INIT_COMPRESSED_FILE (Linux 6.1+ built with
// CONFIG_MODULE_DECOMPRESS; kernel/module/decompress.c).
var compressed = []string{".ko.gz", ".ko.xz", ".ko.zst"}

// loadModules is the modules step. A module that is already loaded (built
// in, or pulled in earlier) is not an error.
func loadModules(b *boot) (string, error) {
	paths := b.cfg.Modules
	if len(paths) == 0 {
		return "", skipped("no modules in config")
	}
	for _, p := range paths {
		if err := loadModule(p); err != nil {
			return "", err
		}
	}
	return strconv.Itoa(len(paths)) + " loaded", nil
}

func loadModule(path string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errs.Wrap("opening module "+path, err)
	}
	defer unix.Close(fd)
	flags := 0
	for _, suffix := range compressed {
		if strings.HasSuffix(path, suffix) {
			flags |= unix.MODULE_INIT_COMPRESSED_FILE
		}
	}
	err = unix.FinitModule(fd, "", flags)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return errs.Wrap("loading "+path, err)
	}
	return nil
}
