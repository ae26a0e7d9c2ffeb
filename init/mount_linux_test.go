package main

import (
	"path"
	"strings"
	"testing"
)

// TestMountTable checks the table's order and the facts the rest of the
// init depends on.
func TestMountTable(t *testing.T) {
	mounted := map[string]mount{}
	for i, m := range mounts {
		if !path.IsAbs(m.target) || path.Clean(m.target) != m.target {
			t.Errorf("%s: target is not a clean absolute path", m.target)
		}
		if _, dup := mounted[m.target]; dup {
			t.Errorf("%s: mounted twice", m.target)
		}
		// A target's filesystem is the nearest mount above it; it must
		// come earlier in the table or the mount would be hidden.
		for _, later := range mounts[i+1:] {
			if strings.HasPrefix(m.target, later.target+"/") {
				t.Errorf("%s: mounted before its parent %s", m.target, later.target)
			}
		}
		mounted[m.target] = m
	}

	want := []struct {
		target, fstype, option string
		reopensConsole         bool
	}{
		{"/proc", "proc", "", false}, // cap_last_cap, /proc/self
		{"/sys", "sysfs", "", false},
		{"/dev", "devtmpfs", "mode=0755", true},
		{"/dev/pts", "devpts", "ptmxmode=0666", false},
		{"/run", "tmpfs", "mode=0755", false},
		{"/tmp", "tmpfs", "mode=1777", false},
	}
	for _, w := range want {
		m, ok := mounted[w.target]
		if !ok {
			t.Errorf("%s: not in the table", w.target)
			continue
		}
		if m.fstype != w.fstype {
			t.Errorf("%s: fstype %q, want %q", w.target, m.fstype, w.fstype)
		}
		if !strings.Contains(m.data, w.option) {
			t.Errorf("%s: options %q, want %q among them", w.target, m.data, w.option)
		}
		if got := m.then != nil; got != w.reopensConsole {
			t.Errorf("%s: reopens the console %v, want %v", w.target, got, w.reopensConsole)
		}
	}
}

func TestMountData(t *testing.T) {
	tmp := mount{target: "/tmp", data: "mode=1777", sized: true}
	tests := []struct {
		m    mount
		size string
		want string
	}{
		{tmp, "", "mode=1777"},
		{tmp, "64m", "mode=1777,size=64m"},
		{tmp, "25%", "mode=1777,size=25%"},
		{mount{data: "mode=0755"}, "64m", "mode=0755"}, // not sized
		{mount{sized: true}, "1g", "size=1g"},
	}
	for _, tt := range tests {
		if got := mountData(tt.m, tt.size); got != tt.want {
			t.Errorf("mountData(%q, %q) = %q, want %q", tt.m.data, tt.size, got, tt.want)
		}
	}
	var sized []string
	for _, m := range mounts {
		if m.sized {
			sized = append(sized, m.target)
		}
	}
	if len(sized) != 1 || sized[0] != "/tmp" {
		t.Errorf("sized mounts %v, want [/tmp]", sized)
	}
}
