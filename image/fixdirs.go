package image

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Fields of a 32-byte directory entry (Microsoft FAT specification,
// "Directory Entry").
const (
	dirAttr       = 11
	dirCreateMs   = 13 // creation time, 10 ms units
	dirCreateTime = 14
	dirCreateDate = 16
	dirAccessDate = 18
	dirHighClus   = 20
	dirWriteTime  = 22
	dirWriteDate  = 24
	dirLowClus    = 26
	dirFileSize   = 28

	attrDirectory = 0x10
	attrLFN       = 0x0f // read-only|hidden|system|volume ID: part of a long name
	entryFree     = 0xe5
)

// fixDirs walks every directory from the root and rewrites what go-diskfs
// leaves non-reproducible or non-standard in its entries:
//
//   - every time and date field: go-diskfs stamps entries with time.Now
//     (util/timestamp.GetTime, in fat12.Directory.createEntry and
//     createVolumeLabel; it reads SOURCE_DATE_EPOCH, but only from the
//     process environment), and copies the "." and ".." times from
//     in-memory entries (fat12.FileSystem.readDirWithMkdir);
//   - ".." in a directory of the root: go-diskfs points it at the root's
//     cluster; the FAT specification ("FAT Directory Structure") wants 0,
//     and fsck.fat says "Invalid '..' entry in the second slot";
//   - an empty file: go-diskfs gives it a cluster (fat12.FileSystem.mkFile),
//     fsck.fat wants none ("File size is 0 bytes, cluster chain length is
//     > 0 bytes"), so the cluster is freed and the entry points at 0.
//
// As a last check (shortNames refuses such names before go-diskfs sees
// them), it fails if two entries of a directory share an 8.3 name.
func (v *volume) fixDirs(t time.Time) error {
	date, tm := fatDateTime(t)
	return v.fixDir(v.root, "/", 0, date, tm)
}

func (v *volume) fixDir(first uint32, name string, parent uint32, date, tm uint16) error {
	clusters, err := v.chain(first)
	if err != nil {
		return fmt.Errorf("reading directory %s: %w", name, err)
	}
	b := make([]byte, v.clusterBytes)
	seen := map[string]bool{}
	var subdirs []string     // names, for messages
	var subClusters []uint32 // first clusters
	end := false
	for _, c := range clusters {
		if end {
			break
		}
		if _, err := v.f.ReadAt(b, v.clusterOffset(c)); err != nil {
			return fmt.Errorf("reading directory %s: %w", name, err)
		}
		for i := 0; i < len(b); i += 32 {
			e := b[i : i+32]
			if e[0] == 0 { // no entries after this one
				end = true
				break
			}
			if e[0] == entryFree || e[dirAttr] == attrLFN {
				continue
			}
			setTimes(e, date, tm)
			short := string(e[:11])
			switch {
			case short == ".          ":
				continue
			case short == "..         ":
				setCluster(e, parent)
				continue
			case seen[short]:
				return fmt.Errorf("directory %s: two names share the 8.3 name %q; rename one", name, trimShort(short))
			}
			seen[short] = true
			switch {
			case e[dirAttr]&attrDirectory != 0:
				subdirs = append(subdirs, name+trimShort(short)+"/")
				subClusters = append(subClusters, cluster(e))
			case binary.LittleEndian.Uint32(e[dirFileSize:]) == 0 && cluster(e) != 0:
				if err := v.freeChain(cluster(e)); err != nil {
					return fmt.Errorf("reading %s%s: %w", name, trimShort(short), err)
				}
				setCluster(e, 0)
			}
		}
		if _, err := v.f.WriteAt(b, v.clusterOffset(c)); err != nil {
			return fmt.Errorf("writing directory %s: %w", name, err)
		}
	}
	// ".." of a directory in the root is 0, of any other its parent.
	if first == v.root {
		first = 0
	}
	for i, sub := range subdirs {
		if err := v.fixDir(subClusters[i], sub, first, date, tm); err != nil {
			return err
		}
	}
	return nil
}

func setTimes(e []byte, date, tm uint16) {
	le := binary.LittleEndian
	e[dirCreateMs] = 0
	le.PutUint16(e[dirCreateTime:], tm)
	le.PutUint16(e[dirCreateDate:], date)
	le.PutUint16(e[dirAccessDate:], date)
	le.PutUint16(e[dirWriteTime:], tm)
	le.PutUint16(e[dirWriteDate:], date)
}

func cluster(e []byte) uint32 {
	le := binary.LittleEndian
	return uint32(le.Uint16(e[dirHighClus:]))<<16 | uint32(le.Uint16(e[dirLowClus:]))
}

func setCluster(e []byte, c uint32) {
	binary.LittleEndian.PutUint16(e[dirHighClus:], uint16(c>>16))
	binary.LittleEndian.PutUint16(e[dirLowClus:], uint16(c))
}

// trimShort turns a padded 11-byte 8.3 name into NAME.EXT, for messages.
func trimShort(s string) string {
	name, ext := trimRight(s[:8]), trimRight(s[8:])
	if ext != "" {
		return name + "." + ext
	}
	return name
}

func trimRight(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// fatDateTime encodes t (clamped to FAT's range, in UTC) as a FAT date and
// time (Microsoft FAT specification, "Date and Time Formats").
func fatDateTime(t time.Time) (date, tm uint16) {
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	return date, tm
}
