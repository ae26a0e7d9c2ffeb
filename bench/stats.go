package main

import (
	"fmt"
	"slices"
	"time"
)

// sample is one measured run.
type sample struct {
	wall time.Duration
	rss  int64 // peak RSS, KiB
}

// series is the runs of one measurement.
type series []sample

func (s series) walls() []time.Duration {
	w := make([]time.Duration, len(s))
	for i, x := range s {
		w[i] = x.wall
	}
	slices.Sort(w)
	return w
}

// median is the middle run (the mean of the two middle ones for an even
// count).
func (s series) median() time.Duration { return medianOf(s.walls()) }

func medianOf(w []time.Duration) time.Duration {
	w = slices.Clone(w)
	slices.Sort(w)
	switch n := len(w); {
	case n == 0:
		return 0
	case n%2 == 1:
		return w[n/2]
	default:
		return (w[n/2-1] + w[n/2]) / 2
	}
}

// peak is the largest peak RSS of the runs, in bytes.
func (s series) peak() int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.rss)
	}
	return m * 1024
}

// timeCell is "median (min–max)".
func (s series) timeCell() string {
	if len(s) == 0 {
		return "n/a"
	}
	w := s.walls()
	if len(w) == 1 {
		return secs(w[0]) + " (1 run)"
	}
	return fmt.Sprintf("**%s** (%s–%s)", secs(medianOf(w)), secs(w[0]), secs(w[len(w)-1]))
}

// rssCell is the peak RSS over the runs.
func (s series) rssCell() string {
	if p := s.peak(); p > 0 {
		return mb(p)
	}
	return "n/a"
}

// durationsCell is "median (min–max)" of plain durations.
func durationsCell(d []time.Duration) string {
	if len(d) == 0 {
		return "n/a"
	}
	d = slices.Clone(d)
	slices.Sort(d)
	return fmt.Sprintf("**%s** (%s–%s)", secs(medianOf(d)), secs(d[0]), secs(d[len(d)-1]))
}

// secs prints a duration the way the tables do: ms below a second.
func secs(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

// mb prints bytes in decimal megabytes (and kB below one), like the rest
// of wisp's documentation.
func mb(n int64) string {
	switch {
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	}
}
