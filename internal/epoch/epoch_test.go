package epoch

import (
	"testing"
	"time"
)

func TestEpoch(t *testing.T) {
	for _, tt := range []struct {
		env     string
		want    time.Time
		set, ok bool
	}{
		{"", time.Unix(0, 0), false, true},
		{"1700000000", time.Unix(1700000000, 0), true, true},
		{"yesterday", time.Unix(0, 0), false, false},
	} {
		t.Setenv("SOURCE_DATE_EPOCH", tt.env)
		got, set := Set()
		if !got.Equal(tt.want) || set != tt.set || !Time().Equal(tt.want) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: Set() = %v, %v; want %v, %v", tt.env, got, set, tt.want, tt.set)
		}
		if err := Check(); (err == nil) != tt.ok {
			t.Errorf("SOURCE_DATE_EPOCH=%q: Check() = %v", tt.env, err)
		}
	}
}
