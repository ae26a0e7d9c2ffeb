package flash

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
)

// fakeHost is a machine in a temporary directory: proc/ and sys/ trees
// written by the test, and a dev/ of empty files that its stat reports as
// block devices.
type fakeHost struct {
	t     *testing.T
	root  string
	nodes map[string]node // by path, symlinks resolved
}

func newFakeHost(t *testing.T) *fakeHost {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &fakeHost{t: t, root: root, nodes: map[string]node{}}
}

func (f *fakeHost) host() host { return host{root: f.root, stat: f.stat, fstat: f.fstat} }

// fstat stats an open file by the name it was opened with: the fake's
// devices are files the real fstat would call regular.
func (f *fakeHost) fstat(file *os.File) (node, error) { return f.stat(file.Name()) }

func (f *fakeHost) stat(name string) (node, error) {
	p, err := filepath.EvalSymlinks(name)
	if err != nil {
		return node{}, err
	}
	if n, ok := f.nodes[p]; ok {
		return n, nil
	}
	return statNode(p)
}

// file writes content to rel, a path under the root.
func (f *fakeHost) file(rel, content string) {
	f.t.Helper()
	p := filepath.Join(f.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// link makes rel a symbolic link to to, relative as udev and sysfs make them.
func (f *fakeHost) link(rel, to string) {
	f.t.Helper()
	p := filepath.Join(f.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Symlink(to, p); err != nil {
		f.t.Fatal(err)
	}
}

// relLink links rel to the path under the root target, relatively.
func (f *fakeHost) relLink(rel, target string) {
	f.t.Helper()
	to, err := filepath.Rel(filepath.Dir(filepath.Join(f.root, rel)), filepath.Join(f.root, target))
	if err != nil {
		f.t.Fatal(err)
	}
	f.link(rel, to)
}

// disk adds a block device: its sysfs directory sys/devices/<sysdir>
// holding dev and attrs, the link sys/dev/block/<dev> and /dev/<name>.
func (f *fakeHost) disk(sysdir, dev string, attrs map[string]string) {
	dir := "sys/devices/" + sysdir
	f.file(dir+"/dev", dev+"\n")
	for name, v := range attrs {
		f.file(dir+"/"+name, v+"\n")
	}
	f.relLink("sys/dev/block/"+dev, dir)
	dn := "dev/" + path.Base(sysdir)
	f.file(dn, "")
	f.nodes[filepath.Join(f.root, dn)] = node{mode: fs.ModeDevice, dev: dev, file: "fake:" + dev}
}

// partition adds partition name of the disk at sysdir.
func (f *fakeHost) partition(sysdir, name, dev string) {
	f.disk(sysdir+"/"+name, dev, map[string]string{"partition": "1"})
}
