package main

import "testing"

func TestResolv(t *testing.T) {
	got := string(resolv([]string{"10.0.2.3", "2001:4860:4860::8888"}))
	want := "# written by wisp's init\nnameserver 10.0.2.3\nnameserver 2001:4860:4860::8888\n"
	if got != want {
		t.Errorf("resolv:\ngot  %q\nwant %q", got, want)
	}
}
