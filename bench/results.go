package main

// results are the figures the goals table compares; a nil map entry or an
// empty series means "not measured" (its section failed or did not run).
type results struct {
	warm         map[string]series   // board → warm build, app changed
	floor        map[string]series   // board → the raw floor writing what wisp writes (same files, same format)
	floorPart    map[string]floorRow // board → the fastest floor row for a part of it (the initrd alone; the FAT image alone)
	wispRSS      []peakRSS           // every wisp command measured
	boot         map[string]series   // board → QEMU start → first HTTP 200
	runToHTTP    map[string]series   // board → wisp run start → first HTTP 200
	initTCG      initTimings         // qemu-amd64: the init's timings under TCG
	initIcount   initTimings         // qemu-amd64: the same in guest instructions (-icount shift=0)
	inits        map[string]int64    // GOARCH → init binary size
	repush       map[string]*repushCheck
	gokrazy      error               // why gok could not be built (nil: it was, or not tried)
	gokWarm      series              // gok overwrite --full, warm
	gokBuildWarm series              // gok's build phase alone (a lower bound of gokWarm), warm
	qemuArgs     map[string][]string // board → the QEMU command line wisp run used
}

// floorRow is one measured floor pipeline.
type floorRow struct {
	what string
	s    series
}

// peakRSS is the peak RSS of one kind of wisp command.
type peakRSS struct {
	what  string
	bytes int64
}

// repushCheck is what a re-push after an app change uploaded, against
// the blobs of the base.
type repushCheck struct {
	blobs     int
	bytes     int64
	fromBase  []string // uploaded digests that belong to the base
	baseBlobs int      // how many blobs the base has (layers + config)
}

func newResults() results {
	return results{
		warm: map[string]series{}, floor: map[string]series{}, floorPart: map[string]floorRow{},
		boot: map[string]series{}, runToHTTP: map[string]series{},
		inits: map[string]int64{}, repush: map[string]*repushCheck{}, qemuArgs: map[string][]string{},
	}
}

// rss records the peak RSS of a wisp measurement.
func (r *results) rss(what string, s series) {
	if p := s.peak(); p > 0 {
		r.wispRSS = append(r.wispRSS, peakRSS{what, p})
	}
}
