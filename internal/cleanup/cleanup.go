// Package cleanup remembers the temporary files and directories a command
// has made outside wisp's store (in an output directory, in /tmp), so that
// a second Ctrl-C, which exits at once, still removes them. The store's
// own temporary files are swept when it is next opened.
package cleanup

import (
	"os"
	"sync"
)

var (
	mu    sync.Mutex
	paths = map[string]bool{}
)

// Add remembers path until the returned func is called (when the file
// has become an output, or has been removed).
func Add(path string) (done func()) {
	mu.Lock()
	paths[path] = true
	mu.Unlock()
	return func() {
		mu.Lock()
		delete(paths, path)
		mu.Unlock()
	}
}

// Run removes everything remembered. It is for a process about to exit.
func Run() {
	mu.Lock()
	defer mu.Unlock()
	for p := range paths {
		os.RemoveAll(p)
	}
	paths = map[string]bool{}
}
