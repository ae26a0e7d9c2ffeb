package main

import (
	"reflect"
	"testing"
)

func TestPlanCaps(t *testing.T) {
	upTo := func(from, to int, except ...int) []int {
		var cs []int
	next:
		for c := from; c <= to; c++ {
			for _, e := range except {
				if c == e {
					continue next
				}
			}
			cs = append(cs, c)
		}
		return cs
	}
	tests := []struct {
		name string
		kept []int
		last int
		want capPlan
	}{{
		name: "none",
		last: 40,
		want: capPlan{drop: upTo(0, 40)},
	}, {
		name: "CAP_NET_BIND_SERVICE",
		kept: []int{10},
		last: 40,
		want: capPlan{drop: upTo(0, 40, 10), sets: [2]uint32{0x400, 0}, keep: []int{10}},
	}, {
		name: "two words, a duplicate",
		kept: []int{0, 33, 33, 12},
		last: 40,
		want: capPlan{drop: upTo(0, 40, 0, 12, 33), sets: [2]uint32{1<<0 | 1<<12, 1 << 1}, keep: []int{0, 33, 12}},
	}, {
		name: "an older kernel",
		kept: []int{38}, // CAP_PERFMON, Linux 5.8
		last: 37,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planCaps(tt.kept, tt.last)
			if tt.want.drop == nil {
				if err == nil {
					t.Errorf("planCaps(%v, %d) = %+v, want an error", tt.kept, tt.last, got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("planCaps(%v, %d) = %+v, %v\nwant %+v", tt.kept, tt.last, got, err, tt.want)
			}
		})
	}
}
