package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"
)

// progress draws transfer bars on a terminal and nothing elsewhere.
type progress struct {
	w  io.Writer
	wg sync.WaitGroup
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// channel returns a channel for one transfer, or nil when not on a
// terminal. The transfer's owner closes it.
func (p *progress) channel(what string) chan<- v1.Update {
	if !isTerminal(p.w) {
		return nil
	}
	ch := make(chan v1.Update, 16)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var last v1.Update
		for u := range ch {
			last = u
			if u.Total > 0 {
				fmt.Fprintf(p.w, "\r%s %3d%% %s / %s ", what, 100*u.Complete/u.Total, size(u.Complete), size(u.Total))
			}
		}
		if last.Total > 0 {
			fmt.Fprintln(p.w)
		}
	}()
	return ch
}

// wait returns when every bar is finished.
func (p *progress) wait() { p.wg.Wait() }
