package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// measureFloor is section 4: the same work done by the plain tools. For
// qemu-amd64, the initrd tree wisp writes (its initrd.img unpacked with
// cpio -idm) packed again with find | cpio | gzip -1 (and pigz -1); for
// pi4, the boot files of wisp's image (read back with mcopy) written into
// an image of the same size with truncate, mkfs.vfat -F 32 and mcopy -s.
func measureFloor(ctx context.Context, e *env, m *md) error {
	m.p("The floor is what the standard tools take for the part of the job that cannot be skipped, on the same " +
		"bytes wisp produced. The row in bold writes what a warm wisp build writes (the same files, in the same " +
		"format) and is the one the goals table compares with; the others are parts of it, or other compressors. " +
		"(The floor always copies the kernel; wisp, building again into the same directory, keeps a kernel " +
		"there that hashes to the stored one.) " +
		"*Ratio* is wisp's warm build (app changed, section above) over the floor's median. " +
		"Peak RSS is the largest process of the pipeline. Before every timed command (wisp's too) the harness runs " +
		"`sync`, untimed, so no command pays for writing back what an earlier one wrote.")
	if err := floorAmd64(ctx, e, m); err != nil {
		m.failed("qemu-amd64 floor", err)
	}
	if err := floorPi4(ctx, e, m); err != nil {
		m.failed("pi4 floor", err)
	}
	return nil
}

// unpack extracts an initrd (gzip, zstd or plain newc cpio) into a new
// directory with cpio -idmu, as root, so device nodes and owners survive.
// wisp may write the initrd as several newc archives one after the other
// (the kernel reads them all); GNU cpio stops at the first trailer, so
// each archive is given to its own cpio.
func unpack(ctx context.Context, initrd, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cat := "cat"
	if b, err := os.ReadFile(initrd); err == nil && len(b) > 4 {
		switch {
		case b[0] == 0x1f && b[1] == 0x8b:
			cat = "gzip -dc"
		case b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd:
			cat = "zstd -dc"
		}
	}
	raw := dir + ".cpio"
	if _, err := run(ctx, sh(dir, cat+" "+quote(initrd)+" > "+quote(raw), 2*time.Minute)); err != nil {
		return err
	}
	defer os.Remove(raw)
	data, err := os.ReadFile(raw)
	if err != nil {
		return err
	}
	parts, err := newcArchives(data)
	if err != nil {
		return fmt.Errorf("reading %s: %w", initrd, err)
	}
	for _, p := range parts {
		s := step{name: "cpio", args: []string{"-idmu", "--quiet"}, dir: dir, stdin: bytes.NewReader(data[p[0]:p[1]]), timeout: 2 * time.Minute}
		if _, err := run(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// newcArchives returns the [start, end) offsets of the newc archives in
// data, each ending after its TRAILER!!! entry; zero padding between
// archives is skipped.
func newcArchives(data []byte) ([][2]int, error) {
	var parts [][2]int
	start, o, open := 0, 0, false
	for o < len(data) {
		if o == start {
			for o < len(data) && data[o] == 0 {
				o++
			}
			if start = o; o == len(data) {
				break
			}
		}
		if o+110 > len(data) || string(data[o:o+6]) != "070701" {
			return nil, fmt.Errorf("no newc header at offset %d", o)
		}
		field := func(i int) (int, error) {
			n, err := strconv.ParseUint(string(data[o+6+8*i:o+14+8*i]), 16, 32)
			return int(n), err
		}
		size, err1 := field(6)
		nameSize, err2 := field(11)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("newc header at offset %d: %w", o, err)
		}
		name := string(data[o+110 : min(len(data), o+110+max(nameSize-1, 0))])
		o, open = align4(align4(o+110+nameSize)+size), true
		if name == "TRAILER!!!" {
			parts = append(parts, [2]int{start, min(o, len(data))})
			start, open = o, false
		}
	}
	if open {
		return nil, fmt.Errorf("newc archive at offset %d has no trailer", start)
	}
	return parts, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

func floorAmd64(ctx context.Context, e *env, m *md) error {
	x, err := e.plainBuild(ctx, boards["qemu-amd64"])
	if err != nil {
		return err
	}
	initrd, size, err := x.file("initrd.img")
	if err != nil {
		return err
	}
	kernel, _, err := x.file("kernel")
	if err != nil {
		return err
	}
	tree := filepath.Join(e.tmp, "floor-amd64-tree")
	if err := unpack(ctx, initrd, tree); err != nil {
		return err
	}
	e.logf("floor: qemu-amd64")
	out := filepath.Join(e.tmp, "floor-amd64")
	pack := "find . | cpio -o -H newc --quiet | %s -1 > " + quote(out)
	cpio := "find . | cpio -o -H newc --quiet > " + quote(out)
	cp := " && cp " + quote(kernel) + " " + quote(out+".kernel")
	var rows [][]string
	for i, v := range []struct{ what, script string }{
		{"`find . | cpio -o -H newc` (not compressed, as wisp writes it for QEMU boards)", cpio},
		{"**the same, then `cp` of the kernel file: wisp's output (both files, same format)**", cpio + cp},
		{"`find . | cpio -o -H newc | gzip -1`", fmt.Sprintf(pack, "gzip")},
		{"`find . | cpio -o -H newc | pigz -1`", fmt.Sprintf(pack, "pigz")},
		{"the gzip -1 pipeline, then `cp` of the kernel file", fmt.Sprintf(pack, "gzip") + cp},
	} {
		s, err := repeat(ctx, e.runs, sh(tree, v.script, 2*time.Minute))
		if err != nil {
			return err
		}
		st, err := os.Stat(out)
		if err != nil {
			return err
		}
		switch {
		case i == 1:
			e.res.floor["qemu-amd64"] = s
		case i != 4:
			if p, ok := e.res.floorPart["qemu-amd64"]; !ok || s.median() < p.s.median() {
				e.res.floorPart["qemu-amd64"] = floorRow{strings.Trim(strings.SplitN(v.what, " (", 2)[0], "*"), s}
			}
		}
		rows = append(rows, []string{v.what, s.timeCell(), s.rssCell(), mb(st.Size()), ratio(e.res.warm["qemu-amd64"], s)})
	}
	m.p("**qemu-amd64** — the initrd tree of wisp's build (wisp's initrd.img: %s as written, %s of cpio, %d entries):",
		mb(size), mb(x.report.Artifacts.Initrd.Bytes), x.report.Artifacts.Initrd.Entries)
	m.table([]string{"floor", "-:time, median (min–max)", "-:peak RSS", "-:output", "-:wisp warm / floor"}, rows)
	return nil
}

func floorPi4(ctx context.Context, e *env, m *md) error {
	x, err := e.plainBuild(ctx, boards["pi4"])
	if err != nil {
		return err
	}
	img, size, err := x.file("pi4.img")
	if err != nil {
		return err
	}
	boot := filepath.Join(e.tmp, "floor-pi4-boot")
	if err := os.MkdirAll(boot, 0o755); err != nil {
		return err
	}
	// The boot partition starts at 1 MiB, as wisp's disk layout has it.
	if _, err := run(ctx, step{name: "mcopy", args: []string{"-s", "-i", img + "@@1M", "::*", boot + "/"},
		env: []string{"MTOOLS_SKIP_CHECK=1"}, timeout: time.Minute}); err != nil {
		return err
	}
	tree := filepath.Join(e.tmp, "floor-pi4-tree")
	if err := unpack(ctx, filepath.Join(boot, "initrd.img"), tree); err != nil {
		return err
	}
	e.logf("floor: pi4")
	out := filepath.Join(e.tmp, "floor-pi4.img")
	fat := fmt.Sprintf("rm -f %[1]s && truncate -s %[2]d %[1]s && mkfs.vfat -F 32 --offset 2048 %[1]s >/dev/null && MTOOLS_SKIP_CHECK=1 mcopy -s -i %[1]s@@1M %[3]s/* ::",
		quote(out), size, quote(boot))
	withInitrd := fmt.Sprintf("find . | cpio -o -H newc --quiet | gzip -1 > %s/initrd.img && ", quote(boot)) + fat
	var rows [][]string
	for i, v := range []struct{ what, script string }{
		{"`truncate` + `mkfs.vfat -F 32` + `mcopy -s` of the boot files", fat},
		{"**the initrd again (`find | cpio | gzip -1`), then the same image: wisp's output**", withInitrd},
	} {
		s, err := repeat(ctx, e.runs, sh(tree, v.script, 2*time.Minute))
		if err != nil {
			return err
		}
		if i == 0 {
			e.res.floorPart["pi4"] = floorRow{"`mkfs.vfat` + `mcopy` of the boot files", s}
		} else {
			e.res.floor["pi4"] = s
		}
		rows = append(rows, []string{v.what, s.timeCell(), s.rssCell(), ratio(e.res.warm["pi4"], s)})
	}
	m.p("**pi4** — the %d boot files of wisp's %s image (FAT32 at 1 MiB, filesystem written with `--offset 2048` "+
		"into an image of the same size; no MBR is written, 512 bytes):", len(mustReadDir(boot)), mb(size))
	m.table([]string{"floor", "-:time, median (min–max)", "-:peak RSS", "-:wisp warm / floor"}, rows)
	return nil
}

// ratio is the median of wisp over the median of floor.
func ratio(wisp, floor series) string {
	if len(wisp) == 0 || len(floor) == 0 || floor.median() == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f×", float64(wisp.median())/float64(floor.median()))
}

func mustReadDir(dir string) []os.DirEntry {
	d, _ := os.ReadDir(dir)
	return d
}
