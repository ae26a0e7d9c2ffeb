package appbinary

import (
	"fmt"
	"strings"
)

// find resolves argv0 as a container runtime would: an absolute path as
// is, a relative path with a slash from workDir (default /), a bare name
// in each directory of the PATH set in env (default defaultPATH), where
// the first executable regular file wins.
func (fsys *imageFS) find(argv0, workDir string, env []string) (name, content string, err error) {
	if workDir == "" {
		workDir = "/"
	}
	if strings.Contains(argv0, "/") {
		if !strings.HasPrefix(argv0, "/") {
			argv0 = workDir + "/" + argv0 // unclean on purpose: ".." is taken after symlinks
		}
		name, content, _, err := fsys.file(argv0)
		return name, content, err
	}
	dirs := envPATH(env)
	for _, dir := range strings.Split(dirs, ":") {
		if dir == "" {
			dir = "." // POSIX: an empty PATH entry is the current directory
		}
		if !strings.HasPrefix(dir, "/") {
			dir = workDir + "/" + dir
		}
		name, content, n, err := fsys.file(dir + "/" + argv0)
		if err == nil && n.mode&0o111 != 0 {
			return name, content, nil
		}
	}
	return "", "", fmt.Errorf("no executable %s in PATH %s: %w", argv0, dirs, ErrNotInImage)
}

// envPATH is the last PATH in env, or defaultPATH.
func envPATH(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return v
		}
	}
	return defaultPATH
}
