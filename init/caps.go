package main

import (
	"errors"
	"strconv"
)

// A capPlan is what the drop step does with capabilities
// (capabilities(7)): the capabilities to drop from the bounding set, and
// those kept, which after the uid change become the effective, permitted
// and inheritable sets (capset(2) version 3: two 32-bit words) and are
// raised into the ambient set, so that they survive the execve of a
// binary without file capabilities.
type capPlan struct {
	drop []int     // from the bounding set, in order
	sets [2]uint32 // effective = permitted = inheritable
	keep []int     // raised as ambient capabilities, in order
}

// planCaps plans for keeping kept (capability numbers, as
// config.Capabilities returns them) on a kernel whose highest capability
// is last (/proc/sys/kernel/cap_last_cap).
func planCaps(kept []int, last int) (capPlan, error) {
	var p capPlan
	keep := map[int]bool{}
	for _, c := range kept {
		if c < 0 || c > last || c > 63 {
			return capPlan{}, errors.New("capability " + strconv.Itoa(c) + " is not known to this kernel (its last is " + strconv.Itoa(last) + ")")
		}
		if keep[c] {
			continue
		}
		keep[c] = true
		p.keep = append(p.keep, c)
		p.sets[c/32] |= 1 << (c % 32)
	}
	for c := 0; c <= last; c++ {
		if !keep[c] {
			p.drop = append(p.drop, c)
		}
	}
	return p, nil
}
