package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// gokRow is the goals table's gokrazy row for the given warm medians.
func gokRow(t *testing.T, r results) []string {
	t.Helper()
	for _, row := range goals(&r) {
		if strings.Contains(row[0], "gokrazy") {
			return row
		}
	}
	t.Fatal("no gokrazy row in the goals table")
	return nil
}

func runsOf(d time.Duration) series { return series{{wall: d}, {wall: d}, {wall: d}} }

// TestGoalsGokLowerBound checks that gok's build phase, a lower bound of
// gok's time, can show the 10× goal met but never call it missed.
func TestGoalsGokLowerBound(t *testing.T) {
	for _, c := range []struct {
		gokBuild, gok time.Duration
		want          string
	}{
		{gokBuild: 3 * time.Second, want: "met (against the lower bound)"},
		{gokBuild: 2 * time.Second, want: "n/a"},
		{gok: 2 * time.Second, want: "**not met**"},
		{gok: 3 * time.Second, gokBuild: 2 * time.Second, want: "met"},
	} {
		r := newResults()
		r.warm["pi4"] = runsOf(250 * time.Millisecond)
		if c.gokBuild > 0 {
			r.gokBuildWarm = runsOf(c.gokBuild)
		}
		if c.gok > 0 {
			r.gokWarm = runsOf(c.gok)
		}
		if got := gokRow(t, r); got[2] != c.want {
			t.Errorf("gok %s, gok's build phase %s, wisp 250 ms: verdict %q, want %q (%s)", c.gok, c.gokBuild, got[2], c.want, got[1])
		}
	}
	if r := newResults(); !slices.Contains(gokRow(t, r), "n/a") {
		t.Errorf("nothing measured: %q, want n/a", gokRow(t, r))
	}
}
