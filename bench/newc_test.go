package main

import (
	"fmt"
	"slices"
	"testing"
)

// entry is one newc record with no data padding beyond the format's.
func entry(name string, data string) string {
	h := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
	s := h + name + "\x00"
	for len(s)%4 != 0 {
		s += "\x00"
	}
	s += data
	for len(s)%4 != 0 {
		s += "\x00"
	}
	return s
}

func TestNewcArchives(t *testing.T) {
	a := entry("init", "abcde") + entry("TRAILER!!!", "")
	pad := "\x00\x00\x00\x00\x00\x00\x00\x00"
	b := entry("app/x", "12") + entry("TRAILER!!!", "")
	data := []byte(a + pad + b + pad)
	got, err := newcArchives(data)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{0, len(a)}, {len(a) + len(pad), len(a) + len(pad) + len(b)}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := newcArchives([]byte(a + entry("half", "x"))); err == nil {
		t.Error("an archive without a trailer was accepted")
	}
}
